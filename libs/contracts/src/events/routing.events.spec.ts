import { dataIssues, sampleWith } from '../../test/data-issues';

const base = { interactionId: 'i', queueId: 'q' };
const offer = { ...base, offerId: 'o', agentId: 'a' };

describe('routing events', () => {
  it.each(['routing.queued', 'routing.escalated', 'routing.abandoned'] as const)('%s needs only interaction and queue', (type) => {
    expect(dataIssues(type, base)).toEqual([]);
    expect(dataIssues(type, { interactionId: 'i' })).toEqual(['queueId']);
  });

  it('routing.offered requires offerId, agentId and expiresAt', () => {
    expect(dataIssues('routing.offered', { ...offer, expiresAt: '2025-03-01T09:00:20Z' })).toEqual([]);
    expect(dataIssues('routing.offered', base).sort()).toEqual(['agentId', 'expiresAt', 'offerId']);
  });

  it('routing.offered rejects an expiry without offset', () => {
    expect(dataIssues('routing.offered', { ...offer, expiresAt: '2025-03-01 09:00' })).toEqual(['expiresAt']);
  });

  it.each(['routing.accepted', 'routing.rejected', 'routing.offer_timed_out', 'routing.offer_rescinded'] as const)(
    '%s requires the offer and the agent',
    (type) => {
      expect(dataIssues(type, offer)).toEqual([]);
      expect(dataIssues(type, base).sort()).toEqual(['agentId', 'offerId']);
    },
  );

  it('routing.assigned requires the agent', () => {
    expect(dataIssues('routing.assigned', { ...base, agentId: 'a' })).toEqual([]);
    expect(dataIssues('routing.assigned', base)).toEqual(['agentId']);
  });

  describe('explanation', () => {
    it('accepts a typed explanation with extra diagnostics', () => {
      expect(dataIssues('routing.offered', sampleWith('routing.offered', {}))).toEqual([]);
      const explanation = { strategy: 'round-robin', candidates: [], rules: [], poolSize: 0 };
      expect(dataIssues('routing.assigned', { ...base, agentId: 'a', explanation })).toEqual([]);
    });

    it.each([
      ['explanation.strategy', { candidates: [], rules: [] }],
      ['explanation.candidates.0.score', { strategy: 's', candidates: [{ agentId: 'a', score: 'high', eligible: true, reasons: [] }], rules: [] }],
      ['explanation.candidates.0.reasons', { strategy: 's', candidates: [{ agentId: 'a', score: 1, eligible: true }], rules: [] }],
      ['explanation.rules.0.outcome', { strategy: 's', candidates: [], rules: [{ rule: 'skills' }] }],
    ])('rejects an explanation with an invalid %s', (path, explanation) => {
      expect(dataIssues('routing.assigned', { ...base, agentId: 'a', explanation })).toContain(path);
    });
  });

  it.each([
    ['waitMs', { waitMs: -5 }],
    ['channel', { channel: 'fax' }],
    ['customerId', { customerId: '' }],
    ['position', { position: 0 }],
  ])('routing.queued rejects an invalid %s', (path, changes) => {
    expect(dataIssues('routing.queued', { ...base, ...changes })).toContain(path);
  });
});
