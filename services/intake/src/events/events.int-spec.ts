import { buildEvent, createTestNamespace, deleteRedisKeys, expectEventually, TEST_REDIS_URL, uniqueTenant, type TestNamespace } from '@switchboard/testing';
import { request as httpRequest } from 'node:http';
import { IntakeHarness } from '../../test/intake.harness';

jest.setTimeout(30_000);

describe('POST /v1/events and GET /v1/events', () => {
  let ns: TestNamespace;
  let h: IntakeHarness;

  beforeAll(async () => {
    ns = createTestNamespace('intake_events');
    h = await IntakeHarness.start(ns, { INTAKE_ARCHIVE_FLUSH_MS: '10' });
  });

  afterAll(async () => {
    await h.close();
    await ns.cleanup();
  });

  it('accepts one event with 202 once JetStream has it, and archives it', async () => {
    const tenant = uniqueTenant();
    const event = buildEvent('interaction.created', { tenantid: tenant });
    const res = await h.post(tenant, event);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0 });
    const stored = (await h.streamEvents('CC_INTERACTIONS')).filter((e) => e.id === event.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ id: event.id, type: 'interaction.created', tenantid: tenant, data: event.data });
    await expectEventually(async () => expect((await h.archivedIds(tenant)).get(event.id)).toBe(1));
  });

  it('accepts application/json for one event and a batch of 500 as application/cloudevents-batch+json', async () => {
    const tenant = uniqueTenant();
    const single = buildEvent('agent.state_changed', { tenantid: tenant });
    const res = await h.request('POST', '/v1/events', { body: single, token: h.token(tenant, 'admin'), contentType: 'application/json; charset=utf-8' });
    expect(res.status).toBe(202);
    const batch = Array.from({ length: 500 }, (_, i) =>
      buildEvent('interaction.utterance', { tenantid: tenant, data: { interactionId: `int-${i % 50}`, text: `utterance ${i}` } }),
    );
    const bulk = await h.post(tenant, batch);
    expect(bulk.status).toBe(202);
    expect(bulk.body).toEqual({ accepted: 500, duplicates: 0 });
    await expectEventually(async () => expect((await h.archivedIds(tenant)).size).toBe(501));
    expect([...(await h.archivedIds(tenant)).values()].every((n) => n === 1)).toBe(true);
  });

  it('refuses a batch with any invalid event whole, naming each bad event and field', async () => {
    const tenant = uniqueTenant();
    const good = buildEvent('interaction.created', { tenantid: tenant });
    const badCustomer = buildEvent('interaction.created', { tenantid: tenant }) as unknown as { data: { customer: Record<string, unknown> } };
    badCustomer.data.customer = { name: 'no id' };
    const badType = { ...buildEvent('interaction.ended', { tenantid: tenant }), type: 'interaction.exploded' };
    const res = await h.post(tenant, [good, good, good, badCustomer, badType]);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body['code']).toBe('INTAKE.INVALID_EVENT');
    expect(res.body['errors']).toEqual([
      { field: '[3].data.customer.id', message: expect.any(String) },
      { field: '[4].type', message: 'Unknown event type "interaction.exploded"' },
    ]);
    expect((await h.streamEvents('CC_INTERACTIONS')).some((e) => e.id === good.id)).toBe(false);
  });

  it('refuses ids with control characters (they travel as message id headers) and archives any unicode text verbatim', async () => {
    const tenant = uniqueTenant();
    const bad = await h.post(tenant, [buildEvent('interaction.created', { tenantid: tenant }), buildEvent('interaction.created', { tenantid: tenant, id: 'evt\r\nNats-Msg-Id: x' })]);
    expect(bad.status).toBe(400);
    expect(bad.body['errors']).toEqual([{ field: '[1].id', message: 'Must not contain control characters' }]);
    const text = 'NUL \u0000, RTL \u202e, emoji 🙂, lone surrogate \ud800, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢';
    const event = buildEvent('interaction.utterance', { tenantid: tenant, data: { interactionId: 'int-\u0000-x', text } });
    expect((await h.post(tenant, event)).status).toBe(202);
    await expectEventually(async () => expect((await h.archivedIds(tenant)).get(event.id)).toBe(1));
    const page = await h.request('GET', `/v1/events?interactionId=${encodeURIComponent('int-\u0000-x')}`, { token: h.token(tenant, 'admin') });
    expect(page.status).toBe(200);
    expect((page.body['events'] as { data: { text: string } }[]).map((e) => e.data.text)).toEqual([text]);
  });

  it('refuses events of another tenant with 403 naming the index, and tokens without an ingest role', async () => {
    const tenant = uniqueTenant();
    const other = uniqueTenant();
    const res = await h.post(tenant, [buildEvent('interaction.created', { tenantid: tenant }), buildEvent('interaction.created', { tenantid: other })]);
    expect(res.status).toBe(403);
    expect(res.body['code']).toBe('INTAKE.TENANT_MISMATCH');
    expect(res.body['errors']).toEqual([{ field: '[1].tenantid', message: expect.stringContaining(other) }]);
    expect((await h.post(tenant, buildEvent('interaction.created', { tenantid: tenant }), 'agent')).status).toBe(403);
    expect((await h.post(tenant, buildEvent('interaction.created', { tenantid: tenant }), 'supervisor')).status).toBe(403);
    const anonymous = await h.request('POST', '/v1/events', { body: buildEvent('interaction.created', { tenantid: tenant }) });
    expect(anonymous.status).toBe(401);
  });

  it('answers 415 for other media types, 400 for malformed JSON and for a batch sent as one event', async () => {
    const tenant = uniqueTenant();
    const token = h.token(tenant);
    const event = buildEvent('interaction.created', { tenantid: tenant });
    expect((await h.request('POST', '/v1/events', { raw: JSON.stringify(event), contentType: 'text/plain', token })).status).toBe(415);
    const malformed = await h.request('POST', '/v1/events', { raw: '{"id": "x",', contentType: 'application/cloudevents+json', token });
    expect(malformed.status).toBe(400);
    expect(malformed.body['detail']).toMatch(/JSON/);
    const arrayAsOne = await h.request('POST', '/v1/events', { body: [event], contentType: 'application/cloudevents+json', token });
    expect(arrayAsOne.status).toBe(400);
    const objectAsBatch = await h.request('POST', '/v1/events', { body: event, contentType: 'application/cloudevents-batch+json', token });
    expect(objectAsBatch.status).toBe(400);
    const tooMany = await h.post(tenant, Array.from({ length: 501 }, () => event));
    expect(tooMany.status).toBe(413);
    expect(tooMany.body['code']).toBe('INTAKE.BATCH_TOO_LARGE');
  });

  it('answers alike in its direct lane (Content-Length) and through Fastify (chunked): statuses, media types, bodies, metrics', async () => {
    const tenant = uniqueTenant();
    const token = h.token(tenant);
    const event = () => buildEvent('interaction.created', { tenantid: tenant });
    const json = (value: unknown) => JSON.stringify(value);
    const other = uniqueTenant();
    const cases: { name: string; contentType?: string; token?: string; body: () => string }[] = [
      { name: 'accepted', body: () => json(event()) },
      { name: 'a batch', contentType: 'application/cloudevents-batch+json', body: () => json([event(), event()]) },
      { name: 'malformed (+json)', body: () => '{"id": "x",' },
      { name: 'malformed (json)', contentType: 'application/json', body: () => '{"id": "x",\n "type": }' },
      { name: 'empty', body: () => '' },
      { name: 'invalid event', body: () => json({ ...event(), type: 'interaction.exploded' }) },
      { name: 'prototype poisoning', body: () => '{"__proto__": {"x": 1}}' },
      { name: 'no token', token: '', body: () => json(event()) },
      { name: 'bad token', token: 'not-a-jwt', body: () => json(event()) },
      { name: 'agent token', token: h.token(tenant, 'agent'), body: () => json(event()) },
      { name: 'other tenant', body: () => json(buildEvent('interaction.created', { tenantid: other })) },
    ];
    const metricCount = async (status: number) => {
      const text = (await h.request('GET', '/metrics')).body['text'] as string;
      const line = text.split('\n').find((l) => l.startsWith(`sb_http_request_duration_seconds_count{method="POST",route="/v1/events",status="${status}"}`));
      return Number(line?.split(' ').pop() ?? 0);
    };
    const acceptedBefore = await metricCount(202);
    for (const c of cases) {
      const headers = { 'content-type': c.contentType ?? 'application/cloudevents+json', ...(c.token === '' ? {} : { authorization: `Bearer ${c.token ?? token}` }) };
      const [direct, viaFastify] = [await rawPost(h.url, headers, c.body(), false), await rawPost(h.url, headers, c.body(), true)];
      expect({ case: c.name, status: direct.status, type: direct.contentType, body: direct.body }).toEqual({ case: c.name, status: viaFastify.status, type: viaFastify.contentType, body: viaFastify.body });
      expect(direct.traceparent === undefined).toBe(viaFastify.traceparent === undefined);
    }
    // Both lanes count their requests in the platform's request metric (two accepted cases, one request per lane each).
    expect((await metricCount(202)) - acceptedBefore).toBe(4);
  });

  it('counts re-sent and repeated ids as duplicates and publishes each id once', async () => {
    const tenant = uniqueTenant();
    const a = buildEvent('interaction.created', { tenantid: tenant });
    const b = buildEvent('interaction.answered', { tenantid: tenant });
    expect((await h.post(tenant, a)).body).toEqual({ accepted: 1, duplicates: 0 });
    expect((await h.post(tenant, a)).body).toEqual({ accepted: 0, duplicates: 1 });
    expect((await h.post(tenant, [a, b, b])).body).toEqual({ accepted: 1, duplicates: 2 });
    const concurrent = await Promise.all(Array.from({ length: 8 }, () => h.post(tenant, [buildEvent('interaction.held', { tenantid: tenant, id: `${tenant}-held` })])));
    expect(concurrent.map((r) => r.status)).toEqual(Array(8).fill(202));
    expect(concurrent.reduce((sum, r) => sum + (r.body['accepted'] as number), 0)).toBe(1);
    const ids = (await h.streamEvents('CC_INTERACTIONS')).filter((e) => e.tenantid === tenant).map((e) => e.id);
    expect(ids.sort()).toEqual([a.id, b.id, `${tenant}-held`].sort());
    await expectEventually(async () => expect([...(await h.archivedIds(tenant)).entries()].sort()).toEqual([[a.id, 1], [b.id, 1], [`${tenant}-held`, 1]].sort()));
  });

  it('still recognises accepted ids after Redis lost the ledger, from the archive', async () => {
    const tenant = uniqueTenant();
    const old = buildEvent('interaction.created', { tenantid: tenant });
    expect((await h.post(tenant, old)).status).toBe(202);
    await expectEventually(async () => expect((await h.archivedIds(tenant)).get(old.id)).toBe(1));
    // Only the archive may catch the re-send: shrink JetStream's duplicate window and let it lapse, and flush Redis.
    const restoreWindow = await h.setDuplicateWindow('CC_INTERACTIONS', 100);
    try {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await deleteRedisKeys(TEST_REDIS_URL, ns.redisPrefix);
      const fresh = buildEvent('interaction.ended', { tenantid: tenant });
      const again = await h.post(tenant, [old, fresh]);
      expect(again.status).toBe(202);
      expect(again.body).toEqual({ accepted: 1, duplicates: 1 });
      expect((await h.post(tenant, [old, fresh])).body).toEqual({ accepted: 0, duplicates: 2 });
      const stored = (await h.streamEvents('CC_INTERACTIONS')).filter((e) => e.tenantid === tenant).map((e) => e.id);
      expect(stored).toEqual([old.id, fresh.id]);
    } finally {
      await restoreWindow();
    }
  });

  it('reads the archive by interaction, type and time with keyset pagination, scoped to the tenant', async () => {
    const tenant = uniqueTenant();
    const base = Date.parse('2025-03-01T09:00:00Z');
    const events = Array.from({ length: 7 }, (_, i) =>
      buildEvent(i === 0 ? 'interaction.created' : 'interaction.utterance', {
        tenantid: tenant,
        time: new Date(base + i * 1000).toISOString(),
        data: { interactionId: 'int-page', ...(i === 0 ? {} : { text: `line ${i}` }) },
      }),
    );
    const noise = buildEvent('interaction.created', { tenantid: tenant, data: { interactionId: 'int-other' }, time: new Date(base).toISOString() });
    expect((await h.post(tenant, [...events, noise])).status).toBe(202);
    const foreign = uniqueTenant();
    expect((await h.post(foreign, buildEvent('interaction.created', { tenantid: foreign, data: { interactionId: 'int-page' } }))).status).toBe(202);
    await expectEventually(async () => expect((await h.archivedIds(tenant)).size).toBe(8));

    const token = h.token(tenant, 'supervisor');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query = `/v1/events?interactionId=int-page&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await h.request('GET', query, { token });
      expect(page.status).toBe(200);
      seen.push(...(page.body['events'] as { id: string }[]).map((e) => e.id));
      cursor = page.body['nextCursor'] as string | null;
    } while (cursor);
    expect(seen).toEqual(events.map((e) => e.id));

    const window = await h.request('GET', `/v1/events?type=interaction.utterance&from=${new Date(base + 2000).toISOString()}&to=${new Date(base + 4000).toISOString()}`, { token });
    expect((window.body['events'] as { id: string }[]).map((e) => e.id)).toEqual([events[2]!.id, events[3]!.id]);
    const bad = await h.request('GET', '/v1/events?limit=0&from=yesterday&cursor=nope', { token });
    expect(bad.status).toBe(400);
    expect((bad.body['errors'] as { field: string }[]).map((e) => e.field).sort()).toEqual(['from', 'limit']);
    expect((await h.request('GET', '/v1/events', { token: h.token(tenant, 'agent') })).status).toBe(403);
  });
});

/** A POST with a Content-Length (intake's direct lane) or chunked (Fastify's path); problem bodies without their per-request parts. */
function rawPost(url: string, headers: Record<string, string>, body: string, chunked: boolean): Promise<{ status: number; contentType?: string; traceparent?: string; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/v1/events`, { method: 'POST', headers: chunked ? { ...headers, 'transfer-encoding': 'chunked' } : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const header = res.headers['traceparent'];
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], traceparent: typeof header === 'string' ? header : undefined, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    if (chunked && body.length > 0) {
      // Two chunks, so that Fastify reads a body that arrived in pieces.
      req.write(body.slice(0, 5));
      req.write(body.slice(5));
    } else req.write(body);
    req.end();
  });
}
