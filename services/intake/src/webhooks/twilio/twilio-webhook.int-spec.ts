import { createHmac, randomBytes } from 'node:crypto';
import { createTestNamespace, expectEventually, uniqueTenant, type TestNamespace } from '@switchboard/testing';
import { IntakeHarness } from '../../../test/intake.harness';

jest.setTimeout(30_000);

const PUBLIC_BASE_URL = 'https://intake.example.test';

/** Twilio's documented signature: base64(HMAC-SHA1(authToken, url + each POST parameter's name and value, sorted by name)). */
function sign(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** A status callback with the parameters Twilio documents for voice calls. */
function callback(callSid: string, status: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: 'AC' + '3'.repeat(32),
    ApiVersion: '2010-04-01',
    CallSid: callSid,
    CallStatus: status,
    CallbackSource: 'call-progress-events',
    Called: '+14155550199',
    CalledCity: 'SAN FRANCISCO',
    CalledCountry: 'US',
    CalledState: 'CA',
    CalledZip: '94105',
    Caller: '+14155550123',
    CallerCity: 'OAKLAND',
    CallerCountry: 'US',
    CallerName: 'Dana Smith',
    CallerState: 'CA',
    Direction: 'inbound',
    From: '+14155550123',
    SequenceNumber: '0',
    Timestamp: 'Tue, 04 Mar 2025 09:15:02 +0000',
    To: '+14155550199',
    ...extra,
  };
}

describe('Twilio voice status callbacks', () => {
  let ns: TestNamespace;
  let h: IntakeHarness;

  beforeAll(async () => {
    ns = createTestNamespace('intake_twilio');
    h = await IntakeHarness.start(ns, { INTAKE_PUBLIC_BASE_URL: PUBLIC_BASE_URL });
  });

  afterAll(async () => {
    await h.close();
    await ns.cleanup();
  });

  async function configure(tenant: string, authToken: string, defaultQueueId?: string) {
    const res = await h.request('PUT', '/v1/integrations/twilio', { body: { authToken, ...(defaultQueueId ? { defaultQueueId } : {}) }, token: h.token(tenant, 'admin') });
    expect(res.status).toBe(200);
  }

  function send(tenant: string, params: Record<string, string>, options: { token: string; path?: string; signedUrl?: string; body?: Record<string, string> }) {
    const path = options.path ?? `/v1/webhooks/twilio/${tenant}/voice`;
    const signature = sign(options.token, options.signedUrl ?? `${PUBLIC_BASE_URL}${path}`, params);
    return h.request('POST', path, {
      raw: new URLSearchParams(options.body ?? params).toString(),
      contentType: 'application/x-www-form-urlencoded',
      headers: { 'x-twilio-signature': signature },
    });
  }

  const newSid = () => `CA${randomBytes(16).toString('hex')}`;

  it('stores the auth token encrypted and never returns it; admin only', async () => {
    const tenant = uniqueTenant();
    const authToken = `tok-${randomBytes(12).toString('hex')}`;
    const before = await h.request('GET', '/v1/integrations/twilio', { token: h.token(tenant, 'admin') });
    expect(before.body).toEqual({ kind: 'twilio', configured: false });
    await configure(tenant, authToken, 'support');
    const view = await h.request('GET', '/v1/integrations/twilio', { token: h.token(tenant, 'admin') });
    expect(view.body).toEqual({ kind: 'twilio', configured: true, defaultQueueId: 'support', updatedAt: expect.any(String) });
    expect(JSON.stringify(view.body)).not.toContain(authToken);
    const { rows } = await h.db.query(`SELECT row_to_json(i)::text AS row FROM "${ns.dbSchema}".integration i WHERE tenant_id = $1`, [tenant]);
    expect(rows).toHaveLength(1);
    expect(rows[0].row).not.toContain(authToken);
    expect((await h.request('GET', '/v1/integrations/twilio', { token: h.token(tenant, 'supervisor') })).status).toBe(403);
    expect((await h.request('PUT', '/v1/integrations/twilio', { body: { authToken }, token: h.token(tenant, 'ingest') })).status).toBe(403);
    const invalid = await h.request('PUT', '/v1/integrations/twilio', { body: { authToken: 7 }, token: h.token(tenant, 'admin') });
    expect(invalid.status).toBe(400);
    expect(invalid.body['errors']).toEqual([{ field: 'authToken', message: expect.any(String) }]);
    expect((await h.request('PUT', '/v1/integrations/sms', { body: {}, token: h.token(tenant, 'admin') })).status).toBe(400);
  });

  it('maps a call from ringing to completed onto created, answered and ended', async () => {
    const tenant = uniqueTenant();
    const token = `tok-${randomBytes(12).toString('hex')}`;
    await configure(tenant, token, 'support');
    const sid = newSid();
    const ringing = await send(tenant, callback(sid, 'ringing'), { token });
    expect(ringing.status).toBe(202);
    expect(ringing.body).toEqual({ accepted: 1, duplicates: 0 });
    expect((await send(tenant, callback(sid, 'in-progress', { SequenceNumber: '1' }), { token })).body).toEqual({ accepted: 1, duplicates: 1 });
    const completed = await send(tenant, callback(sid, 'completed', { SequenceNumber: '2', CallDuration: '95' }), { token });
    expect(completed.body).toEqual({ accepted: 1, duplicates: 1 });
    // Twilio retries a callback it got no answer for: a duplicate.
    expect((await send(tenant, callback(sid, 'completed', { SequenceNumber: '2', CallDuration: '95' }), { token })).body).toEqual({ accepted: 0, duplicates: 2 });

    const events = (await h.streamEvents('CC_INTERACTIONS')).filter((e) => e.tenantid === tenant);
    expect(events.map((e) => e.type)).toEqual(['interaction.created', 'interaction.answered', 'interaction.ended']);
    expect(events[0]).toMatchObject({
      source: '/intake/twilio',
      time: '2025-03-04T09:15:02.000Z',
      data: {
        interactionId: `twilio-${sid}`,
        channel: 'voice',
        direction: 'inbound',
        queueId: 'support',
        customer: { id: '+14155550123', phone: '+14155550123', name: 'Dana Smith' },
        externalId: sid,
      },
    });
    expect(events[2]!.data).toEqual({ interactionId: `twilio-${sid}`, reason: 'completed', durationMs: 95_000 });
    await expectEventually(async () => expect((await h.archivedIds(tenant)).size).toBe(3));
  });

  it.each([
    ['canceled', 'abandoned'],
    ['busy', 'failed'],
    ['no-answer', 'failed'],
    ['failed', 'failed'],
  ])('maps CallStatus %s onto interaction.ended (%s), with the queue from the query', async (status, reason) => {
    const tenant = uniqueTenant();
    const token = `tok-${randomBytes(12).toString('hex')}`;
    await configure(tenant, token);
    const sid = newSid();
    const path = `/v1/webhooks/twilio/${tenant}/voice?queueId=billing`;
    const res = await send(tenant, callback(sid, status, { Direction: 'outbound-api', From: '+14155550199', To: 'anonymous' }), { token, path });
    expect(res.status).toBe(202);
    const events = (await h.streamEvents('CC_INTERACTIONS')).filter((e) => e.tenantid === tenant);
    expect(events.map((e) => e.type)).toEqual(['interaction.created', 'interaction.ended']);
    expect(events[0]!.data).toMatchObject({ queueId: 'billing', direction: 'outbound', customer: { id: `unknown-twilio-${sid}` } });
    expect(events[1]!.data).toMatchObject({ reason });
  });

  it('refuses a missing, tampered, wrong-token or replayed signature, and unconfigured tenants', async () => {
    const tenant = uniqueTenant();
    const other = uniqueTenant();
    const token = `tok-${randomBytes(12).toString('hex')}`;
    await configure(tenant, token);
    await configure(other, token);
    const params = callback(newSid(), 'ringing');

    const missing = await h.request('POST', `/v1/webhooks/twilio/${tenant}/voice`, { raw: new URLSearchParams(params).toString(), contentType: 'application/x-www-form-urlencoded' });
    expect(missing.status).toBe(401);
    expect(missing.body['code']).toBe('INTAKE.SIGNATURE_MISSING');

    const tampered = await send(tenant, params, { token, body: { ...params, CallStatus: 'completed' } });
    expect(tampered.status).toBe(403);
    expect(tampered.body['code']).toBe('INTAKE.BAD_SIGNATURE');

    expect((await send(tenant, params, { token: 'not-the-token' })).status).toBe(403);

    // The same signed request replayed to another tenant (even one with the same auth token): the URL is part of the signature.
    const replayed = await send(other, params, { token, path: `/v1/webhooks/twilio/${other}/voice`, signedUrl: `${PUBLIC_BASE_URL}/v1/webhooks/twilio/${tenant}/voice` });
    expect(replayed.status).toBe(403);

    const unknown = uniqueTenant();
    const notConfigured = await send(unknown, params, { token });
    expect(notConfigured.status).toBe(403);
    expect(notConfigured.body['code']).toBe('INTAKE.INTEGRATION_NOT_CONFIGURED');

    expect((await h.streamEvents('CC_INTERACTIONS')).filter((e) => e.tenantid === tenant || e.tenantid === other)).toEqual([]);
  });

  it('answers 400 naming the fields of a signed but invalid callback, and 415 for JSON', async () => {
    const tenant = uniqueTenant();
    const token = `tok-${randomBytes(12).toString('hex')}`;
    await configure(tenant, token);
    const res = await send(tenant, { ...callback('CA-nope', 'ringing'), CallStatus: 'exploded' }, { token });
    expect(res.status).toBe(400);
    expect((res.body['errors'] as { field: string }[]).map((e) => e.field).sort()).toEqual(['CallSid', 'CallStatus']);
    const json = await h.request('POST', `/v1/webhooks/twilio/${tenant}/voice`, { body: callback(newSid(), 'ringing'), headers: { 'x-twilio-signature': 'x' } });
    expect(json.status).toBe(415);
  });
});
