import { assessChurn, type CustomerContact } from './churn-risk';

const now = new Date('2026-11-22T12:00:00Z');
const daysAgo = (d: number): Date => new Date(now.getTime() - d * 24 * 3600 * 1000);
const contact = (over: Partial<CustomerContact> & { contactedAt: Date }): CustomerContact => ({
  interactionId: `i-${over.contactedAt.getTime()}`,
  abandoned: false,
  ...over,
});

describe('assessChurn', () => {
  it('a single resolved, neutral contact is low risk with no reasons', () => {
    expect(assessChurn([contact({ contactedAt: daysAgo(1), resolved: true, endSentiment: 0.3 })], now)).toEqual({ score: 0, level: 'low', reasons: [] });
  });

  it('counts repeat contacts within 7 days only: 3 recent contacts → 2 × 0.15 = 0.3 → medium', () => {
    const result = assessChurn(
      [contact({ contactedAt: daysAgo(10) }), contact({ contactedAt: daysAgo(6) }), contact({ contactedAt: daysAgo(3) }), contact({ contactedAt: daysAgo(0.1) })],
      now,
    );
    expect(result.reasons).toEqual([{ code: 'repeat_contacts_7d', detail: '3 contacts in 7 days', weight: 0.3 }]);
    expect(result).toMatchObject({ score: 0.3, level: 'medium' });
  });

  it('adds unresolved dispositions, abandonment and a negative, worsening trend: 0.3 + 0.2 + 0.15 + 0.15 + 0.1 = 0.9 → high', () => {
    const result = assessChurn(
      [
        contact({ contactedAt: daysAgo(2), abandoned: true }),
        contact({ contactedAt: daysAgo(1), resolved: false, endSentiment: 0.2 }),
        contact({ contactedAt: daysAgo(0.5), endSentiment: -0.6 }),
      ],
      now,
    );
    expect(result.reasons.map((r) => [r.code, r.weight])).toEqual([
      ['repeat_contacts_7d', 0.3],
      ['unresolved_disposition', 0.2],
      ['abandoned', 0.15],
      ['negative_sentiment', 0.15],
      ['negative_trend', 0.1],
    ]);
    expect(result).toMatchObject({ score: 0.9, level: 'high' });
  });

  it('caps the score at 1', () => {
    const many = Array.from({ length: 8 }, (_, i) => contact({ contactedAt: daysAgo(i * 0.5), abandoned: true, resolved: false, endSentiment: -0.9 }));
    expect(assessChurn(many, now).score).toBe(1);
  });
});
