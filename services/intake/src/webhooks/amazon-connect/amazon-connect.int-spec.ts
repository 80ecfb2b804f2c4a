import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestNamespace, uniqueTenant, type TestNamespace } from '@switchboard/testing';
import { IntakeHarness } from '../../../test/intake.harness';

jest.setTimeout(30_000);

const SAMPLES = join(__dirname, '../../../../../../shared/data/telephony/amazon_connect');
const sample = (name: string) => readFileSync(join(SAMPLES, name));
/** The published sample's text with its JSON faults (comments, trailing commas) repaired, to check the mapping of its content. */
const repaired = (name: string) =>
  sample(name)
    .toString('utf8')
    .replace(/\/\/[^\n]*/g, '')
    .replace(/,(\s*[}\]])/g, '$1');

describe('Amazon Connect events', () => {
  let ns: TestNamespace;
  let h: IntakeHarness;

  beforeAll(async () => {
    ns = createTestNamespace('intake_connect');
    h = await IntakeHarness.start(ns);
  });

  afterAll(async () => {
    await h.close();
    await ns.cleanup();
  });

  const post = (tenant: string, raw: string | Buffer, token = h.token(tenant)) =>
    h.request('POST', `/v1/webhooks/amazon-connect/${tenant}`, { raw, contentType: 'application/json', token });

  it('maps the published CONNECTED_TO_AGENT contact event (exact bytes) onto created and answered', async () => {
    const tenant = uniqueTenant();
    const res = await post(tenant, sample('contact_event_CONNECTED_TO_AGENT.json.txt'));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 2, duplicates: 0, ignored: 0 });
    const events = (await h.streamEvents('CC_INTERACTIONS')).filter((e) => e.tenantid === tenant);
    expect(events.map((e) => [e.type, e.time])).toEqual([
      ['interaction.created', '2021-08-04T17:29:04.000Z'],
      ['interaction.answered', '2021-08-04T17:29:09.000Z'],
    ]);
    expect(events[0]).toMatchObject({
      source: '/intake/amazon-connect',
      data: {
        interactionId: 'connect-11111111-1111-1111-1111-111111111111',
        channel: 'voice',
        direction: 'inbound',
        queueId: '12345678-1234-1234-1234-123456789012',
        externalId: '11111111-1111-1111-1111-111111111111',
      },
    });
    expect(events[1]!.data).toEqual({ interactionId: 'connect-11111111-1111-1111-1111-111111111111', agentId: '12345678-1234-1234-1234-123456789012' });
    // EventBridge delivers at least once: the same event again is a duplicate.
    expect((await post(tenant, sample('contact_event_CONNECTED_TO_AGENT.json.txt'))).body).toEqual({ accepted: 0, duplicates: 2, ignored: 0 });
  });

  it.each([
    ['contact_event_DISCONNECTED_eventbridge.json.txt', 1411],
    ['agent_event_stream_sample.json.txt', 250],
    ['contact_flow_lambda_invocation_event.json.txt', 1084],
  ])('rejects the published %s, which is not valid JSON, with 400 naming the fault', async (name, position) => {
    const tenant = uniqueTenant();
    const res = await post(tenant, sample(name));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body['code']).toBe('HTTP.MALFORMED_JSON');
    expect(res.body['detail']).toMatch(new RegExp(`JSON at position ${position} \\(line \\d+, column \\d+, near `));
    expect((await h.streamEvents('CC_INTERACTIONS')).filter((e) => e.tenantid === tenant)).toEqual([]);
  });

  it('maps the DISCONNECTED EventBridge event and agent stream records once their JSON is repaired', async () => {
    const tenant = uniqueTenant();
    const disconnected = await post(tenant, repaired('contact_event_DISCONNECTED_eventbridge.json.txt'));
    expect(disconnected.status).toBe(202);
    const events = (await h.streamEvents('CC_INTERACTIONS')).filter((e) => e.tenantid === tenant);
    expect(events.map((e) => e.type)).toEqual(['interaction.created', 'interaction.ended']);
    expect(events[0]!.data).toMatchObject({ direction: 'outbound', queueId: 'arn' });
    expect(events[1]).toMatchObject({ time: '2021-08-04T17:18:37.000Z', data: { reason: 'completed', agentId: 'arn' } });

    // The published agent stream sample is not JSON (comments, unbalanced braces): a record with its fields and values instead.
    const instance = 'arn:aws:connect:us-west-2:012345678901:instance/aaaaaaaa-bbbb-cccc-dddd-111111111111';
    const snapshot = (status: string) => ({
      AgentStatus: { ARN: 'example-ARN', Name: status, StartTimestamp: '2019-08-13T20:52:30.704Z' },
      Configuration: { FirstName: 'AgentEventStreamTest', LastName: 'Agent', Username: 'aestest' },
      Contacts: [],
    });
    const record = (eventType: string, eventId: string, current: string, previous: string) => ({
      AWSAccountId: '012345678901',
      AgentARN: `${instance}/agent/agent-ARN`,
      CurrentAgentSnapshot: snapshot(current),
      EventId: eventId,
      EventTimestamp: '2019-08-13T20:58:44.031Z',
      EventType: eventType,
      InstanceARN: instance,
      PreviousAgentSnapshot: snapshot(previous),
      Version: '2017-10-01',
    });
    expect((await post(tenant, JSON.stringify(record('HEART_BEAT', 'EventId-1', 'Available', 'Offline')))).body).toEqual({ accepted: 0, duplicates: 0, ignored: 1 });
    const batch = [record('STATE_CHANGE', 'EventId-2', 'Available', 'Offline'), record('STATE_CHANGE', 'EventId-3', 'Lunch', 'Available'), record('LOGOUT', 'EventId-4', 'Lunch', 'Lunch')];
    expect((await post(tenant, JSON.stringify(batch))).body).toEqual({ accepted: 3, duplicates: 0, ignored: 0 });
    const states = (await h.streamEvents('CC_AGENTS')).filter((e) => e.tenantid === tenant);
    expect(states.map((e) => e.data)).toEqual([
      { agentId: 'agent-ARN', state: 'available', previousState: 'offline' },
      { agentId: 'agent-ARN', state: 'break', previousState: 'available', reason: 'Lunch' },
      { agentId: 'agent-ARN', state: 'offline', previousState: 'break' },
    ]);
  });

  it('refuses a request with any invalid item whole, naming it, and checks the token', async () => {
    const tenant = uniqueTenant();
    const good = JSON.parse(sample('contact_event_CONNECTED_TO_AGENT.json.txt').toString('utf8')) as Record<string, unknown>;
    const res = await post(tenant, JSON.stringify([good, { ...good, contactId: 42 }, { hello: 'world' }]));
    expect(res.status).toBe(400);
    expect(res.body['errors']).toEqual([
      { field: '[1].contactId', message: expect.any(String) },
      { field: '[2]', message: expect.stringContaining('Not an Amazon Connect') },
    ]);
    expect((await h.streamEvents('CC_INTERACTIONS')).filter((e) => e.tenantid === tenant)).toEqual([]);
    expect((await h.request('POST', `/v1/webhooks/amazon-connect/${tenant}`, { body: good })).status).toBe(401);
    expect((await post(tenant, JSON.stringify(good), h.token(uniqueTenant()))).status).toBe(403);
    expect((await post(tenant, JSON.stringify(good), h.token(tenant, 'agent'))).status).toBe(403);
  });
});
