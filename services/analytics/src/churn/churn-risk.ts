import type { ChurnRiskChangedData, ChurnRiskLevel } from '@switchboard/contracts';

export interface CustomerContact {
  interactionId: string;
  contactedAt: Date;
  abandoned: boolean;
  /** Disposition: undefined until the agent files one. */
  resolved?: boolean;
  /** The customer's sentiment at the end of the contact (compound), when scored. */
  endSentiment?: number;
}

export const CHURN_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** Points per reason and caps (a score is a fraction 0..1). */
export const CHURN_WEIGHTS = {
  repeatContact: 0.15,
  repeatContactCap: 0.45,
  unresolved: 0.2,
  unresolvedCap: 0.4,
  abandoned: 0.15,
  abandonedCap: 0.3,
  negativeLastContact: 0.15,
  worseningTrend: 0.1,
} as const;

export function churnLevel(score: number): ChurnRiskLevel {
  return score >= 0.6 ? 'high' : score >= 0.3 ? 'medium' : 'low';
}

export interface ChurnAssessment {
  score: number;
  level: ChurnRiskLevel;
  reasons: ChurnRiskChangedData['reasons'];
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

/**
 * Churn risk of a customer from their contacts in the 7 days up to `now`: repeat contacts, unresolved dispositions,
 * abandoned contacts, and a negative or worsening sentiment trend. Each reason's weight is its share of the score.
 */
export function assessChurn(contacts: readonly CustomerContact[], now: Date): ChurnAssessment {
  const recent = contacts
    .filter((c) => now.getTime() - c.contactedAt.getTime() <= CHURN_WINDOW_MS && c.contactedAt.getTime() <= now.getTime())
    .sort((a, b) => a.contactedAt.getTime() - b.contactedAt.getTime());
  const reasons: ChurnRiskChangedData['reasons'] = [];
  const w = CHURN_WEIGHTS;
  if (recent.length > 1) {
    const repeats = recent.length - 1;
    reasons.push({ code: 'repeat_contacts_7d', detail: `${recent.length} contacts in 7 days`, weight: round(Math.min(w.repeatContactCap, repeats * w.repeatContact)) });
  }
  const unresolved = recent.filter((c) => c.resolved === false).length;
  if (unresolved > 0) {
    reasons.push({ code: 'unresolved_disposition', detail: `${unresolved} contact(s) left unresolved`, weight: round(Math.min(w.unresolvedCap, unresolved * w.unresolved)) });
  }
  const abandoned = recent.filter((c) => c.abandoned).length;
  if (abandoned > 0) {
    reasons.push({ code: 'abandoned', detail: `${abandoned} contact(s) abandoned in the queue`, weight: round(Math.min(w.abandonedCap, abandoned * w.abandoned)) });
  }
  const scored = recent.filter((c) => c.endSentiment !== undefined).map((c) => c.endSentiment as number);
  const last = scored.at(-1);
  if (last !== undefined && last <= -0.05) {
    reasons.push({ code: 'negative_sentiment', detail: `last contact ended negative (${last})`, weight: w.negativeLastContact });
  }
  if (scored.length >= 2 && (last as number) < (scored[0] as number) - 0.05) {
    reasons.push({ code: 'negative_trend', detail: `sentiment fell from ${scored[0] as number} to ${last as number}`, weight: w.worseningTrend });
  }
  const score = round(Math.min(1, reasons.reduce((sum, r) => sum + r.weight, 0)));
  return { score, level: churnLevel(score), reasons };
}
