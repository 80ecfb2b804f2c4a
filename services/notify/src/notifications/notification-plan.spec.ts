import { buildEvent } from '@switchboard/testing';
import { planNotifications } from './notification-plan';

describe('planNotifications', () => {
  it('offers go to the agent with routing links', () => {
    const [plan, ...rest] = planNotifications(
      buildEvent('routing.offered', { data: { agentId: 'a1', offerId: 'o 1' } }),
      'http://routing:3002/',
    );
    expect(rest).toHaveLength(0);
    expect(plan).toMatchObject({
      recipient: 'agent:a1',
      kind: 'offer',
      payload: { acceptUrl: 'http://routing:3002/v1/offers/o%201/accept', rejectUrl: 'http://routing:3002/v1/offers/o%201/reject' },
    });
  });

  it('alerts supervisors only when the level deserves it', () => {
    expect(planNotifications(buildEvent('analytics.wellbeing_changed', { data: { level: 'elevated' } }), 'http://r')).toEqual([]);
    expect(planNotifications(buildEvent('analytics.wellbeing_changed', { data: { level: 'critical' } }), 'http://r')).toEqual([
      expect.objectContaining({ recipient: 'supervisors', severity: 'critical' }),
    ]);
    expect(planNotifications(buildEvent('analytics.churn_risk_changed', { data: { level: 'medium' } }), 'http://r')).toEqual([]);
  });

  it('keeps the abusive quote for supervisors', () => {
    const plans = planNotifications(buildEvent('analytics.abuse_detected', { data: { agentId: 'a2', quote: 'x', severity: 'high' } }), 'http://r');
    expect(plans.map((p) => [p.recipient, p.payload['quote']])).toEqual([
      ['supervisors', 'x'],
      ['agent:a2', undefined],
    ]);
  });

  it('ignores events it does not notify about', () => {
    expect(planNotifications(buildEvent('routing.queued'), 'http://r')).toEqual([]);
  });
});
