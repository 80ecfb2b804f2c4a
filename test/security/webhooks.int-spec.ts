import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventPublisher } from '@switchboard/platform';
import { buildEvent, createTestNamespace, expectEventually, startTestApp, uniqueTenant, type TestApp, type TestNamespace } from '@switchboard/testing';
import { AppModule as IntakeModule } from '../../services/intake/src/app.module';
import { API_DESCRIPTION as INTAKE } from '../../services/intake/src/config/intake.config';
import { AppModule as NotifyModule } from '../../services/notify/src/app.module';
import { AttackLog } from './support/attack-log';
import { request, type HttpResult } from './support/services';
import { PUBLIC_BASE_URL, twilioSignature } from './support/world';

jest.setTimeout(120_000);

const isProblem = (res: HttpResult) => res.contentType.startsWith('application/problem+json') && res.body['status'] === res.status;

/** The receiver's check documented in docs/security.md: HMAC over `t.body`, and `t` within the tolerance window. */
function verifySwitchboardSignature(header: string, body: string, secret: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts['t']);
  const v1 = parts['v1'] ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return v1.length === expected.length && timingSafeEqual(Buffer.from(v1), Buffer.from(expected));
}

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local HTTP receiver recording every request; `respond` decides the answer. */
async function receiver(respond: (path: string) => { status: number; headers?: Record<string, string> } = () => ({ status: 200 })): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = respond(req.url ?? '/');
      res.writeHead(answer.status, answer.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('security: webhooks in and out', () => {
  const log = new AttackLog('webhooks');

  afterAll(() => {
    log.write();
  });

  describe('Twilio callbacks into intake', () => {
    let ns: TestNamespace;
    let intake: TestApp;
    const a = { tenant: uniqueTenant('tw-a'), authToken: `tw-a-${randomUUID()}` };
    const b = { tenant: uniqueTenant('tw-b'), authToken: `tw-b-${randomUUID()}` };
    const endpoint = 'intake POST /v1/webhooks/twilio/:tenant/voice';

    beforeAll(async () => {
      ns = createTestNamespace('security_twilio');
      intake = await startTestApp(IntakeModule, ns, { env: { INTAKE_PUBLIC_BASE_URL: PUBLIC_BASE_URL }, description: INTAKE });
      for (const t of [a, b]) {
        const res = await request(intake.url, 'PUT', '/v1/integrations/twilio', { token: intake.token({ tenant: t.tenant, role: 'admin' }), body: { authToken: t.authToken } });
        expect(res.status).toBe(200);
      }
    });

    afterAll(async () => {
      await intake?.close();
      await ns?.cleanup();
    });

    const form = () => ({ CallSid: `CA${randomUUID().replace(/-/g, '')}`, AccountSid: `AC${'0123456789abcdef'.repeat(2)}`, CallStatus: 'ringing', From: '+15550100', To: '+15550199', Direction: 'inbound' });
    const post = (path: string, params: Record<string, string>, signature: string | undefined, headers: Record<string, string> = {}) =>
      request(intake.url, 'POST', path, {
        raw: new URLSearchParams(params).toString(),
        contentType: 'application/x-www-form-urlencoded',
        headers: { ...headers, ...(signature === undefined ? {} : { 'x-twilio-signature': signature }) },
      });

    it("accepts a callback signed for its tenant's URL once, and refuses its signature anywhere else", async () => {
      const params = form();
      const path = `/v1/webhooks/twilio/${a.tenant}/voice`;
      const signature = twilioSignature(a.authToken, `${PUBLIC_BASE_URL}${path}`, params);

      const first = await post(path, params, signature);
      expect([first.status, first.body['accepted']]).toEqual([202, 1]);
      // Replaying the very same request publishes nothing new.
      const replay = await post(path, params, signature);
      expect([replay.status, replay.body['accepted'], replay.body['duplicates']]).toEqual([202, 0, 1]);

      const attacks: [string, Promise<HttpResult>, string][] = [
        ["replayed on another tenant's URL", post(`/v1/webhooks/twilio/${b.tenant}/voice`, params, signature), 'INTAKE.BAD_SIGNATURE'],
        ['replayed on a tenant without Twilio', post(`/v1/webhooks/twilio/${uniqueTenant()}/voice`, params, signature), 'INTAKE.INTEGRATION_NOT_CONFIGURED'],
        ['replayed with another queue in the query', post(`${path}?queueId=vip`, params, signature), 'INTAKE.BAD_SIGNATURE'],
        ['replayed with a changed status', post(path, { ...params, CallStatus: 'completed' }, signature), 'INTAKE.BAD_SIGNATURE'],
        ['replayed with an added parameter', post(path, { ...params, CallDuration: '999' }, signature), 'INTAKE.BAD_SIGNATURE'],
        ['replayed behind a forged Host', post(path, { ...params, CallStatus: 'completed' }, signature, { host: 'evil.example', 'x-forwarded-host': 'evil.example' }), 'INTAKE.BAD_SIGNATURE'],
        ["signed with another tenant's auth token", post(path, params, twilioSignature(b.authToken, `${PUBLIC_BASE_URL}${path}`, params)), 'INTAKE.BAD_SIGNATURE'],
        ['signed over the plain-http URL', post(path, params, twilioSignature(a.authToken, `${PUBLIC_BASE_URL.replace('https', 'http')}${path}`, params)), 'INTAKE.BAD_SIGNATURE'],
        ['an empty signature', post(path, params, ''), 'INTAKE.SIGNATURE_MISSING'],
        ['no signature', post(path, params, undefined), 'INTAKE.SIGNATURE_MISSING'],
        ['a signature of the wrong length', post(path, params, 'AAAA'), 'INTAKE.BAD_SIGNATURE'],
      ];
      const results = await Promise.all(attacks.map(([, res]) => res));
      log.add(endpoint, 'signature replay', attacks.length + 1);
      const failures = attacks.flatMap(([name, , code], i) => {
        const res = results[i]!;
        return (res.status === 401 || res.status === 403) && isProblem(res) && res.body['code'] === code ? [] : [`${name}: ${res.status} ${res.text.slice(0, 200)}`];
      });
      expect(failures).toEqual([]);
    });
  });

  describe('notify webhook targets (SSRF)', () => {
    let ns: TestNamespace;
    let notify: TestApp;
    const tenant = uniqueTenant('ssrf');
    const endpoint = 'notify POST /v1/subscriptions';

    beforeAll(async () => {
      ns = createTestNamespace('security_ssrf');
      notify = await startTestApp(NotifyModule, ns);
    });

    afterAll(async () => {
      await notify?.close();
      await ns?.cleanup();
    });

    const create = (body: Record<string, unknown>) => request(notify.url, 'POST', '/v1/subscriptions', { token: notify.token({ tenant, role: 'admin' }), body });

    it('refuses targets on loopback, link-local, private, CGNAT and IPv6 local ranges, in any spelling, and names that resolve there', async () => {
      const targets = [
        'http://127.0.0.1/hook', 'http://127.1/', 'http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://127.255.255.254:6379/',
        'http://localhost/', 'http://LOCALHOST./', 'http://vm/', 'http://runsc:4222/', 'http://0.0.0.0/', 'http://0/',
        'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:169.254.169.254]/', 'http://169.254.170.2/v2/credentials',
        'http://10.0.0.1/', 'http://172.16.0.1/', 'http://172.31.255.255/', 'http://192.168.1.1/', 'http://100.64.0.1/', 'http://224.0.0.1/',
        'http://[::1]/', 'http://[0:0:0:0:0:0:0:1]/', 'http://[::]/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/',
        'http://[fe80::1]/', 'http://[fc00::1]/', 'http://[fd12:3456::1]/', 'http://[ff02::1]/',
        'http://user:pass@127.0.0.1/', 'https://127.0.0.1:443/', 'http://metadata.google.internal/computeMetadata/v1/',
      ];
      const schemes = ['file:///etc/passwd', 'gopher://127.0.0.1:6379/_INFO', 'ftp://198.51.100.7/', 'javascript:alert(1)', 'dict://127.0.0.1:11211/', 'ws://198.51.100.7/'];
      const failures: string[] = [];
      for (const channel of ['webhook', 'slack'] as const) {
        for (const target of targets) {
          const res = await create({ channel, target });
          if (res.status !== 422 || !isProblem(res) || !['NOTIFY.TARGET_PRIVATE', 'NOTIFY.TARGET_UNRESOLVABLE'].includes(String(res.body['code']))) failures.push(`${channel} ${target}: ${res.status} ${res.text.slice(0, 160)}`);
        }
        for (const target of schemes) {
          const res = await create({ channel, target });
          if (res.status !== 400 || !isProblem(res)) failures.push(`${channel} ${target}: ${res.status} ${res.text.slice(0, 160)}`);
        }
      }
      log.add(endpoint, 'ssrf', 2 * (targets.length + schemes.length));
      expect(failures).toEqual([]);
      expect((await request(notify.url, 'GET', '/v1/subscriptions', { token: notify.token({ tenant, role: 'admin' }) })).body['items']).toEqual([]);
    });

    it('does not let an update move a public target inside', async () => {
      const created = await create({ channel: 'webhook', target: 'https://198.51.100.7/hook' });
      expect(created.status).toBe(201);
      const id = String(created.body['id']);
      const res = await request(notify.url, 'PATCH', `/v1/subscriptions/${id}`, { token: notify.token({ tenant, role: 'admin' }), body: { target: 'http://169.254.169.254/', channel: 'webhook' } });
      log.add('notify PATCH /v1/subscriptions/:id', 'ssrf');
      expect(res.status).toBeLessThan(500);
      const after = await request(notify.url, 'GET', `/v1/subscriptions/${id}`, { token: notify.token({ tenant, role: 'admin' }) });
      expect(after.body['target']).toBe('https://198.51.100.7/hook');
    });
  });

  describe('notify deliveries to allowed receivers', () => {
    let ns: TestNamespace;
    let notify: TestApp;
    const tenant = uniqueTenant('out');
    const secret = `whsec-${randomUUID()}`;

    beforeAll(async () => {
      ns = createTestNamespace('security_outbound');
      // Private targets allowed, so that the receivers can run on this machine.
      notify = await startTestApp(NotifyModule, ns, { env: { NOTIFY_ALLOW_PRIVATE_TARGETS: 'true', NOTIFY_MAX_ATTEMPTS: '1', NOTIFY_DELIVERY_POLL_MS: '50' } });
    });

    afterAll(async () => {
      await notify?.close();
      await ns?.cleanup();
    });

    const admin = () => notify.token({ tenant, role: 'admin' });

    it("signs each delivery over its timestamp and body, so a receiver's tolerance window refuses replays", async () => {
      const hook = await receiver();
      try {
        const sub = await request(notify.url, 'POST', '/v1/subscriptions', { token: admin(), body: { channel: 'webhook', target: `${hook.url}/in`, secret } });
        expect(sub.status).toBe(201);
        await notify.app.get(EventPublisher).publish(buildEvent('analytics.kudos', { tenantid: tenant, data: { agentId: 'a1', quote: 'thanks' } }));
        const [delivery] = await expectEventually(() => {
          expect(hook.received).toHaveLength(1);
          return hook.received;
        });
        const header = String(delivery!.headers['x-switchboard-signature']);
        const now = Math.floor(Date.now() / 1000);
        const t = Number(/t=(\d+)/.exec(header)?.[1]);
        expect(Math.abs(now - t)).toBeLessThan(60);
        expect(verifySwitchboardSignature(header, delivery!.body, secret, now)).toBe(true);
        // The same delivery replayed later than the window, or with its timestamp moved into the window, or another body.
        const replays = [
          verifySwitchboardSignature(header, delivery!.body, secret, now + 301),
          verifySwitchboardSignature(header.replace(/t=\d+/, `t=${now + 301}`), delivery!.body, secret, now + 301),
          verifySwitchboardSignature(header, delivery!.body.replace('thanks', 'thanks!'), secret, now),
          verifySwitchboardSignature(header, delivery!.body, 'another-secret-0123456789', now),
        ];
        log.add('notify outgoing webhook signature', 'signature replay', replays.length + 1);
        expect(replays).toEqual([false, false, false, false]);
        // The signature is not in the body, and the secret is never sent.
        expect(delivery!.body).not.toContain(secret);
        expect(JSON.stringify(delivery!.headers)).not.toContain(secret);
      } finally {
        hook.server.close();
      }
    });

    it('does not follow a redirect from a webhook target', async () => {
      const inside = await receiver();
      const outside = await receiver(() => ({ status: 302, headers: { location: `${inside.url}/internal` } }));
      try {
        const sub = await request(notify.url, 'POST', '/v1/subscriptions', { token: admin(), body: { channel: 'webhook', target: `${outside.url}/hook`, eventTypes: ['analytics.abuse_detected'] } });
        expect(sub.status).toBe(201);
        await notify.app.get(EventPublisher).publish(buildEvent('analytics.abuse_detected', { tenantid: tenant, data: { agentId: 'a1', severity: 'high', quote: 'x' } }));
        const delivery = await expectEventually(async () => {
          const res = await request(notify.url, 'GET', `/v1/deliveries?subscriptionId=${String(sub.body['id'])}`, { token: admin() });
          const items = res.body['items'] as { status: string; lastStatusCode?: number | null; lastError?: string | null }[];
          expect(items).toHaveLength(1);
          expect(['failed', 'dead']).toContain(items[0]!.status);
          return items[0]!;
        });
        log.add('notify outgoing webhook delivery', 'ssrf');
        expect(outside.received).toHaveLength(1);
        expect(inside.received).toHaveLength(0);
        expect(JSON.stringify(delivery)).toContain('302');
      } finally {
        inside.server.close();
        outside.server.close();
      }
    });
  });
});
