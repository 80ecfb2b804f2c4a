import { dataIssues, sampleWith } from '../../test/data-issues';

describe('analytics events', () => {
  describe('analytics.utterance_scored', () => {
    it.each([
      ['sentiment.compound', { sentiment: { compound: 1.2, label: 'positive' } }],
      ['sentiment.compound', { sentiment: { compound: -1.01, label: 'negative' } }],
      ['sentiment.label', { sentiment: { compound: 0, label: 'mixed' } }],
      ['abusive.categories', { abusive: { detected: true } }],
      ['gratitude', { gratitude: undefined }],
      ['smallTalk', { smallTalk: 'no' }],
      ['speaker', { speaker: 'system' }],
    ])('rejects an invalid %s', (path, changes) => {
      expect(dataIssues('analytics.utterance_scored', sampleWith('analytics.utterance_scored', changes))).toContain(path);
    });

    it('accepts the extremes of the compound score', () => {
      for (const compound of [-1, 0, 1]) {
        const data = sampleWith('analytics.utterance_scored', { sentiment: { compound, label: 'neutral' } });
        expect(dataIssues('analytics.utterance_scored', data)).toEqual([]);
      }
    });
  });

  it.each([
    ['smallTalkShare', { smallTalkShare: 1.5 }],
    ['abusiveCount', { abusiveCount: -1 }],
    ['sentiment.min', { sentiment: { start: 0, end: 0, mean: 0 } }],
    ['turnedAround', { turnedAround: undefined }],
    ['utterances', { utterances: 2.5 }],
  ])('analytics.interaction_summarized rejects an invalid %s', (path, changes) => {
    expect(dataIssues('analytics.interaction_summarized', sampleWith('analytics.interaction_summarized', changes))).toContain(path);
  });

  it('analytics.abuse_detected requires at least one category and a known severity', () => {
    expect(dataIssues('analytics.abuse_detected', sampleWith('analytics.abuse_detected', { severity: 'critical' }))).toEqual([]);
    expect(dataIssues('analytics.abuse_detected', sampleWith('analytics.abuse_detected', { categories: [] }))).toEqual(['categories']);
    expect(dataIssues('analytics.abuse_detected', sampleWith('analytics.abuse_detected', { severity: 'extreme' }))).toEqual(['severity']);
  });

  it('analytics.kudos requires the agent and the quote', () => {
    expect(dataIssues('analytics.kudos', { interactionId: 'i' }).sort()).toEqual(['agentId', 'quote']);
  });

  it.each([
    ['serviceLevel', { serviceLevel: 80 }],
    ['target.percent', { target: { percent: 120, seconds: 20 } }],
    ['target.seconds', { target: { percent: 80, seconds: 0 } }],
    ['window.kind', { window: { from: '2025-03-01T08:45:00Z', to: '2025-03-01T09:00:00Z', kind: 'week' } }],
    ['window.to', { window: { from: '2025-03-01T08:45:00Z', kind: 'live' } }],
  ])('analytics.sla_breached rejects an invalid %s', (path, changes) => {
    expect(dataIssues('analytics.sla_breached', sampleWith('analytics.sla_breached', changes))).toContain(path);
  });

  it.each([
    ['score', { score: 1.1 }],
    ['level', { level: 'critical' }],
    ['previousLevel', { previousLevel: 'none' }],
    ['reasons.0.weight', { reasons: [{ code: 'negative_trend', detail: 'd' }] }],
  ])('analytics.churn_risk_changed rejects an invalid %s', (path, changes) => {
    expect(dataIssues('analytics.churn_risk_changed', sampleWith('analytics.churn_risk_changed', changes))).toContain(path);
  });

  it.each([
    ['score', { score: 101 }],
    ['score', { score: -1 }],
    ['level', { level: 'low' }],
    ['factors.0.contribution', { factors: [{ factor: 'occupancy', detail: '92 %' }] }],
    ['factors', { factors: undefined }],
  ])('analytics.wellbeing_changed rejects an invalid %s', (path, changes) => {
    expect(dataIssues('analytics.wellbeing_changed', sampleWith('analytics.wellbeing_changed', changes))).toContain(path);
  });

  describe('analytics.kpi_snapshot', () => {
    it('accepts a tenant-wide snapshot without queue or staffing', () => {
      const data = sampleWith('analytics.kpi_snapshot', { scope: 'tenant', queueId: undefined, staffing: undefined });
      expect(dataIssues('analytics.kpi_snapshot', data)).toEqual([]);
    });

    it('requires the queue id for a queue snapshot', () => {
      expect(dataIssues('analytics.kpi_snapshot', sampleWith('analytics.kpi_snapshot', { queueId: undefined }))).toEqual(['queueId']);
    });

    it.each([
      ['kpis.agentsByState', { agentsByState: { lunch: 1 } }],
      ['kpis.agentsByState.busy', { agentsByState: { busy: -1 } }],
      ['kpis.occupancy', { occupancy: 1.2 }],
      ['kpis.serviceLevel', { serviceLevel: 81 }],
      ['kpis.queueDepth', { queueDepth: undefined }],
    ])('rejects an invalid %s', (path, kpiChanges) => {
      const kpis: Record<string, unknown> = { ...(sampleWith('analytics.kpi_snapshot', {}).kpis as object), ...kpiChanges };
      if ('queueDepth' in kpiChanges) delete kpis.queueDepth;
      const issues = dataIssues('analytics.kpi_snapshot', sampleWith('analytics.kpi_snapshot', { kpis }));
      expect(issues).toEqual([path]);
    });

    it('rejects staffing without a recommendation', () => {
      const data = sampleWith('analytics.kpi_snapshot', { staffing: { expectedServiceLevel: 0.8 } });
      expect(dataIssues('analytics.kpi_snapshot', data)).toEqual(['staffing.recommendedAgents']);
    });
  });
});
