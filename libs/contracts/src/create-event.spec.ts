import { ContractViolationError } from './contract-issue';
import { isCheckedEvent } from './checked-events';
import { createEvent } from './create-event';
import { parseCloudEvent } from './parse-cloud-event';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createEvent', () => {
  it('fills specversion, id, time, datacontenttype and subject', () => {
    const before = Date.now();
    const event = createEvent({
      type: 'interaction.answered',
      tenantid: 'acme',
      source: '/intake/twilio',
      data: { interactionId: 'int-1', agentId: 'agent-7' },
    });
    expect(event).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(UUID),
      source: '/intake/twilio',
      type: 'interaction.answered',
      time: expect.any(String),
      subject: 'int-1',
      datacontenttype: 'application/json',
      tenantid: 'acme',
      data: { interactionId: 'int-1', agentId: 'agent-7' },
    });
    expect(Date.parse(event.time)).toBeGreaterThanOrEqual(before - 1);
    expect(event).not.toHaveProperty('traceparent');
    expect(parseCloudEvent(event).success).toBe(true);
  });

  it('gives each event a fresh id', () => {
    const make = () => createEvent({ type: 'agent.state_changed', tenantid: 'acme', source: '/routing', data: { agentId: 'a', state: 'busy' } });
    expect(make().id).not.toBe(make().id);
  });

  it('defaults the subject to the agent id when there is no interaction id', () => {
    const event = createEvent({ type: 'agent.state_changed', tenantid: 'acme', source: '/routing', data: { agentId: 'agent-7', state: 'break' } });
    expect(event.subject).toBe('agent-7');
  });

  it('leaves the subject out when the data names neither an interaction nor an agent', () => {
    const event = createEvent({
      type: 'analytics.churn_risk_changed',
      tenantid: 'acme',
      source: '/analytics',
      data: { customerId: 'cust-9', score: 0.2, level: 'low', reasons: [] },
    });
    expect(event).not.toHaveProperty('subject');
  });

  it('keeps explicit id, time, subject and traceparent', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const event = createEvent({
      type: 'routing.queued',
      tenantid: 'acme',
      source: '/routing',
      id: 'queued-int-1',
      time: '2025-03-01T09:00:00+01:00',
      subject: 'custom',
      traceparent,
      data: { interactionId: 'int-1', queueId: 'billing' },
    });
    expect(event).toMatchObject({ id: 'queued-int-1', time: '2025-03-01T09:00:00+01:00', subject: 'custom', traceparent });
  });

  it('throws a ContractViolationError with issues when the event is invalid', () => {
    let error: unknown;
    try {
      createEvent({
        type: 'interaction.utterance',
        tenantid: 'Not A Tenant',
        source: '/intake',
        data: { interactionId: 'int-1', speaker: 'customer', text: '' },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ContractViolationError);
    const violation = error as ContractViolationError;
    expect(violation.code).toBe('CONTRACTS.VIOLATION');
    expect(violation.retryable).toBe(false);
    expect(violation.issues.map((issue) => issue.path).sort()).toEqual(['data.text', 'tenantid']);
    expect(violation.message).toContain('data.text');
  });
  it('marks what it built, and what parseCloudEvent accepted, as checked; copies and look-alikes are not', () => {
    const event = createEvent({ type: 'interaction.answered', tenantid: 'acme', source: '/intake', data: { interactionId: 'int-1' } });
    expect(isCheckedEvent(event)).toBe(true);
    expect(isCheckedEvent({ ...event })).toBe(false);
    expect(isCheckedEvent(JSON.parse(JSON.stringify(event)))).toBe(false);
    const parsed = parseCloudEvent(JSON.parse(JSON.stringify(event)));
    expect(parsed.success && isCheckedEvent(parsed.event)).toBe(true);
    expect(parseCloudEvent({ ...event, type: 'interaction.exploded' }).success).toBe(false);
    expect(isCheckedEvent(undefined)).toBe(false);
  });
});
