import { DEFAULT_STREAM_OPTIONS, namespacedStream, provisionStreams } from '@switchboard/platform';
import { buildEvent, createTestNamespace, expectEventually, uniqueTenant, type TestNamespace } from '@switchboard/testing';
import { IntakeHarness } from '../../test/intake.harness';

jest.setTimeout(30_000);

describe('intake limits and failures', () => {
  let ns: TestNamespace;
  let h: IntakeHarness;

  beforeAll(async () => {
    ns = createTestNamespace('intake_limits');
    h = await IntakeHarness.start(ns, { INTAKE_RATE_LIMIT_PER_SECOND: '5', INTAKE_RATE_LIMIT_BURST: '500', BODY_LIMIT_BYTES: String(256 * 1024) });
  });

  afterAll(async () => {
    await h.close();
    await ns.cleanup();
  });

  const states = (tenant: string, n: number) => Array.from({ length: n }, () => buildEvent('agent.state_changed', { tenantid: tenant }));

  it('rate-limits each tenant on its own with 429 and Retry-After', async () => {
    const tenant = uniqueTenant();
    expect((await h.post(tenant, states(tenant, 500))).status).toBe(202);
    const limited = await h.post(tenant, states(tenant, 50));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(limited.body['code']).toBe('INTAKE.RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(9);
    const other = uniqueTenant();
    expect((await h.post(other, states(other, 10))).status).toBe(202);
    // Refused events were not taken: the same events pass once the bucket has refilled (5/s).
    const single = buildEvent('agent.state_changed', { tenantid: tenant });
    const retried = await expectEventually(async () => {
      const res = await h.post(tenant, single);
      expect(res.status).toBe(202);
      return res;
    }, { timeoutMs: 5000, intervalMs: 100 });
    expect(retried.body).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('refuses bodies over BODY_LIMIT_BYTES with 413', async () => {
    const tenant = uniqueTenant();
    const event = buildEvent('interaction.utterance', { tenantid: tenant, data: { text: 'x'.repeat(9000) } });
    const res = await h.post(tenant, Array.from({ length: 40 }, () => event));
    expect(res.status).toBe(413);
    expect(res.body['code']).toBe('HTTP.PAYLOAD_TOO_LARGE');
  });

  it('answers 503 when JetStream cannot store the events, and a retry then succeeds (claims released)', async () => {
    const tenant = uniqueTenant();
    const jsm = await h.nc.jetstreamManager();
    await jsm.streams.delete(namespacedStream(ns.natsNamespace, 'CC_AGENTS'));
    const events = states(tenant, 3);
    const failed = await h.post(tenant, events);
    expect(failed.status).toBe(503);
    expect(failed.body['code']).toBe('INTAKE.PUBLISH_FAILED');
    expect(failed.headers.get('retry-after')).toBe('1');

    await provisionStreams(jsm, ns.natsNamespace, DEFAULT_STREAM_OPTIONS);
    const retried = await h.post(tenant, events);
    expect(retried.status).toBe(202);
    expect(retried.body).toEqual({ accepted: 3, duplicates: 0 });
    expect((await h.streamEvents('CC_AGENTS')).map((e) => e.id)).toEqual(events.map((e) => e.id));
    // The archive consumer resumes on the re-created stream.
    await expectEventually(async () => expect((await h.archivedIds(tenant)).size).toBe(3), { timeoutMs: 15_000 });
  });
});
