import { probabilityOfWaiting, recommendAgents, serviceLevel, trafficIntensity } from './erlang-c';

describe('Erlang C', () => {
  // Published example: 100 calls in 30 minutes, AHT 180 s (3 min), target 80 % answered in 20 s.
  const example = { arrivalRate: 100 / 1800, ahtSeconds: 180 };

  it('computes the traffic of the published example: 10 Erlangs', () => {
    expect(trafficIntensity(example)).toBeCloseTo(10, 10);
  });

  it('matches the published probability of waiting and service level for 11 to 14 agents', () => {
    // SL = 1 − Pw · e^(−(N − A) · t / AHT): 11 agents → Pw 0.682, SL 1 − 0.682 · e^(−20/180) = 0.390.
    expect(probabilityOfWaiting(11, 10)).toBeCloseTo(0.6821, 3);
    expect(serviceLevel(11, example, 20)).toBeCloseTo(0.3896, 3);
    expect(serviceLevel(12, example, 20)).toBeCloseTo(0.6402, 3);
    expect(serviceLevel(13, example, 20)).toBeCloseTo(0.7956, 3);
    expect(serviceLevel(14, example, 20)).toBeCloseTo(0.8884, 3);
  });

  it('recommends 14 agents for 80/20 in the published example (13 reach only 79.6 %)', () => {
    const recommendation = recommendAgents(example, { fraction: 0.8, thresholdSeconds: 20 });
    expect(recommendation.recommendedAgents).toBe(14);
    expect(recommendation.expectedServiceLevel).toBeGreaterThanOrEqual(0.8);
  });

  it('handles a single agent by hand: a = 0.5 Erlang → Pw = 0.5, SL(t) = 1 − 0.5·e^(−0.5·t/AHT)', () => {
    const input = { arrivalRate: 0.5 / 100, ahtSeconds: 100 };
    expect(probabilityOfWaiting(1, 0.5)).toBeCloseTo(0.5, 10);
    expect(serviceLevel(1, input, 100)).toBeCloseTo(1 - 0.5 * Math.exp(-0.5), 10);
  });

  it('needs no agents without traffic and reports an unstable queue as never meeting the target', () => {
    expect(recommendAgents({ arrivalRate: 0, ahtSeconds: 180 }, { fraction: 0.8, thresholdSeconds: 20 })).toEqual({
      recommendedAgents: 0,
      expectedServiceLevel: 1,
    });
    expect(serviceLevel(10, example, 20)).toBe(0);
    expect(probabilityOfWaiting(10, 10)).toBe(1);
  });
});
