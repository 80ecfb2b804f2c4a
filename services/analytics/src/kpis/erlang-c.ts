/**
 * Erlang C (M/M/N queue) staffing: probability of waiting, service level and the smallest number of agents meeting a
 * service-level target. Formulas as in Cooper, "Introduction to Queueing Theory" (1981), §5.2, and the worked example of
 * callcentrehelper.com's "Erlang C formula – made simple" (100 calls in 30 min, AHT 180 s, 80 % in 20 s → 14 agents).
 */
export interface ErlangInput {
  /** Arrivals per second. */
  arrivalRate: number;
  /** Average handle time in seconds. */
  ahtSeconds: number;
}

/** Offered traffic in Erlangs: arrival rate × handle time. */
export function trafficIntensity({ arrivalRate, ahtSeconds }: ErlangInput): number {
  return arrivalRate * ahtSeconds;
}

/** Probability an arriving contact waits, with `agents` agents and traffic `a` Erlangs (1 when the queue is unstable). */
export function probabilityOfWaiting(agents: number, a: number): number {
  if (a <= 0) return 0;
  if (agents <= a) return 1;
  // Erlang B by its stable recurrence, then C = B / (1 − ρ(1 − B)).
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (a * b) / (k + a * b);
  const rho = a / agents;
  return b / (1 - rho * (1 - b));
}

/** Fraction of contacts answered within `thresholdSeconds`. */
export function serviceLevel(agents: number, input: ErlangInput, thresholdSeconds: number): number {
  const a = trafficIntensity(input);
  if (a <= 0) return 1;
  if (agents <= a) return 0;
  const pw = probabilityOfWaiting(agents, a);
  return Math.max(0, 1 - pw * Math.exp(-((agents - a) * thresholdSeconds) / input.ahtSeconds));
}

export interface StaffingRecommendation {
  recommendedAgents: number;
  expectedServiceLevel: number;
}

/** The fewest agents whose expected service level reaches `targetFraction` within `thresholdSeconds`. */
export function recommendAgents(input: ErlangInput, target: { fraction: number; thresholdSeconds: number }): StaffingRecommendation {
  const a = trafficIntensity(input);
  if (a <= 0) return { recommendedAgents: 0, expectedServiceLevel: 1 };
  let agents = Math.max(1, Math.floor(a) + 1);
  for (;;) {
    const level = serviceLevel(agents, input, target.thresholdSeconds);
    if (level >= target.fraction || agents > a + 10_000) return { recommendedAgents: agents, expectedServiceLevel: level };
    agents++;
  }
}
