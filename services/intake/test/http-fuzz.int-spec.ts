import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { buildEvent, createTestNamespace, uniqueTenant, type TestNamespace } from '@switchboard/testing';
import { IntakeHarness, type HttpResult } from './intake.harness';

jest.setTimeout(120_000);

const PUBLIC_BASE_URL = 'https://intake.fuzz.test';
const RUNS = Number(process.env['INTAKE_FUZZ_RUNS'] ?? 60);

/** Strings that stress every layer: any unicode (lone surrogates, NUL, RTL, emoji), JSON-ish noise, and huge ones. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.constantFrom('\u0000', '\ud800', 'a\r\nb', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '\u202eevil', '{"', '[]', 'null', '__proto__', 'x'.repeat(300), '€'.repeat(70_000), '9'.repeat(400)),
);
const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 4 }), nasty, fc.constant(undefined));

/** A valid event with one attribute or data field replaced by something else. */
function mutatedEvent(tenant: string) {
  return fc
    .record({
      type: fc.constantFrom('interaction.created', 'interaction.utterance', 'agent.state_changed', 'interaction.ended'),
      path: fc.constantFrom('id', 'type', 'time', 'source', 'specversion', 'tenantid', 'subject', 'traceparent', 'data', 'data.interactionId', 'data.customer', 'data.text', 'data.state', 'data.attributes', 'data.channel'),
      value: jsonish,
    })
    .map(({ type, path, value }) => {
      const event = buildEvent(type as 'interaction.created', { tenantid: tenant }) as unknown as Record<string, unknown>;
      const [head, tail] = path.split('.') as [string, string | undefined];
      if (tail && typeof event[head] === 'object' && event[head] !== null) (event[head] as Record<string, unknown>)[tail] = value;
      else event[head] = value;
      return event;
    });
}

/** Valid JSON text with a random cut or insertion. */
const brokenJson = fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat(), nasty).map(([value, at, insert]) => {
  const text = JSON.stringify(value) ?? 'null';
  const cut = at % (text.length + 1);
  return text.slice(0, cut) + insert + text.slice(cut + 1);
});

describe('HTTP endpoints under fuzzing: never a 5xx', () => {
  let ns: TestNamespace;
  let h: IntakeHarness;
  const tenant = uniqueTenant('fuzz');
  const authToken = 'fuzz-auth-token-123';

  beforeAll(async () => {
    ns = createTestNamespace('intake_fuzz');
    h = await IntakeHarness.start(ns, { INTAKE_PUBLIC_BASE_URL: PUBLIC_BASE_URL, INTAKE_RATE_LIMIT_PER_SECOND: '1000000' });
    await h.request('PUT', '/v1/integrations/twilio', { body: { authToken }, token: h.token(tenant, 'admin') });
  });

  afterAll(async () => {
    await h.close();
    await ns.cleanup();
  });

  function expectClientOutcome(res: HttpResult): void {
    expect(res.status).toBeLessThan(500);
    if (res.status >= 400) expect(res.body['status']).toBe(res.status);
  }

  const mediaTypes = ['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json', 'text/plain', 'application/x-www-form-urlencoded', 'application/xml+json'];

  it('POST /v1/events with mutated events, wrong types and broken JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutatedEvent(tenant).map((e) => ({ raw: JSON.stringify(e), batch: false })),
          fc.array(mutatedEvent(tenant), { minLength: 1, maxLength: 5 }).map((es) => ({ raw: JSON.stringify(es), batch: true })),
          jsonish.map((v) => ({ raw: JSON.stringify(v) ?? '', batch: false })),
          brokenJson.map((raw) => ({ raw, batch: false })),
        ),
        fc.constantFrom(...mediaTypes),
        async ({ raw }, contentType) => {
          expectClientOutcome(await h.request('POST', '/v1/events', { raw, contentType, token: h.token(tenant) }));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('GET /v1/events with arbitrary query strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('interactionId', 'type', 'from', 'to', 'limit', 'cursor', 'other'), nasty, { maxKeys: 4 }), async (query) => {
        const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, v.slice(0, 400)])).toString();
        expectClientOutcome(await h.request('GET', `/v1/events?${qs}`, { token: h.token(tenant, 'supervisor') }));
      }),
      { numRuns: RUNS },
    );
  });

  it('POST /v1/webhooks/amazon-connect with arbitrary JSON and mutated contact events', async () => {
    const contact = { eventType: 'CONNECTED_TO_AGENT', contactId: 'c-1', channel: 'VOICE', initiationMethod: 'INBOUND', queueInfo: { queueArn: 'arn:x/queue/q1' }, agentInfo: { agentArn: 'arn:x/agent/a1' } };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          jsonish.map((v) => JSON.stringify(v) ?? ''),
          brokenJson,
          fc.tuple(fc.constantFrom(...Object.keys(contact), 'detail-type', 'AgentARN', 'EventType'), jsonish).map(([k, v]) => JSON.stringify({ ...contact, [k]: v })),
        ),
        async (raw) => {
          expectClientOutcome(await h.request('POST', `/v1/webhooks/amazon-connect/${tenant}`, { raw, contentType: 'application/json', token: h.token(tenant) }));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('POST /v1/webhooks/twilio with arbitrary forms, signed and unsigned', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('CallSid', 'AccountSid', 'CallStatus', 'From', 'To', 'CallDuration', 'Timestamp', 'Direction', 'x'), nasty, { maxKeys: 6 }), fc.boolean(), async (params, signed) => {
        const path = `/v1/webhooks/twilio/${tenant}/voice`;
        const data = Object.keys(params).sort().reduce((acc, key) => acc + key + params[key], `${PUBLIC_BASE_URL}${path}`);
        const signature = signed ? createHmac('sha1', authToken).update(data, 'utf8').digest('base64') : 'bm90IGEgc2lnbmF0dXJl';
        const res = await h.request('POST', path, { raw: new URLSearchParams(params).toString(), contentType: 'application/x-www-form-urlencoded', headers: { 'x-twilio-signature': signature } });
        expectClientOutcome(res);
      }),
      { numRuns: RUNS },
    );
  });

  it('PUT /v1/integrations/:kind with arbitrary bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('twilio', 'asterisk', 'freeswitch', 'sms', '%00', '..'), jsonish, async (kind, body) => {
        expectClientOutcome(await h.request('PUT', `/v1/integrations/${encodeURIComponent(kind)}`, { raw: JSON.stringify(body) ?? '', contentType: 'application/json', token: h.token(uniqueTenant(), 'admin') }));
      }),
      { numRuns: RUNS },
    );
  });
});
