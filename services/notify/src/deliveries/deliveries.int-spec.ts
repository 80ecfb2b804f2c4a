import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventPublisher } from '@switchboard/platform';
import {
  buildEvent,
  createTestNamespace,
  expectEventually,
  startTestApp,
  uniqueTenant,
  type TestApp,
  type TestNamespace,
} from '@switchboard/testing';
import { SMTPServer } from 'smtp-server';
import { AppModule } from '../app.module';
import { Clock } from '../clock/clock';

interface Received {
  path: string;
  verified: boolean;
  body: Record<string, unknown>;
}

function verify(secret: string, header: string | undefined, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match?.[1] || !match[2]) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}

describe('external deliveries', () => {
  let ns: TestNamespace;
  let app: TestApp;
  let publisher: EventPublisher;
  let receiver: Server;
  let receiverUrl: string;
  let smtp: SMTPServer;
  const mails: { to: string; raw: string }[] = [];
  const received: Received[] = [];
  const failuresLeft = new Map<string, number>();
  const secrets = new Map<string, string>();
  const tenant = uniqueTenant();
  const other = uniqueTenant();
  const auth = (t = tenant) => ({ authorization: `Bearer ${app.token({ tenant: t, role: 'admin', sub: 'admin-1' })}` });
  const admin = (t = tenant) => ({ ...auth(t), 'content-type': 'application/json' });

  const subscribe = async (body: Record<string, unknown>, t = tenant) => {
    const res = await fetch(`${app.url}/v1/subscriptions`, { method: 'POST', headers: admin(t), body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; secret: string };
  };
  const deliveries = async (query = '', t = tenant) => {
    const res = await fetch(`${app.url}/v1/deliveries${query}`, { headers: admin(t) });
    return ((await res.json()) as { items: { id: string; status: string; attempts: number; subscriptionId: string; lastError: string | null }[] }).items;
  };

  beforeAll(async () => {
    receiver = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '/';
        const secret = secrets.get(path);
        received.push({ path, verified: secret ? verify(secret, req.headers['x-switchboard-signature'] as string, raw) : false, body: JSON.parse(raw) as Record<string, unknown> });
        const left = failuresLeft.get(path) ?? 0;
        if (left > 0) failuresLeft.set(path, left - 1);
        res.statusCode = left > 0 ? 503 : 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    ns = createTestNamespace('notify_delivery');
    app = await startTestApp(AppModule, ns, {
      env: {
        NOTIFY_ALLOW_PRIVATE_TARGETS: 'true',
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        NOTIFY_MAX_ATTEMPTS: '3',
        NOTIFY_BACKOFF_BASE_MS: '20',
        NOTIFY_BACKOFF_MAX_MS: '100',
        NOTIFY_DELIVERY_POLL_MS: '25',
        NOTIFY_RATE_LIMIT_PER_MINUTE: '5',
      },
    });
    publisher = app.app.get(EventPublisher);
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await ns.cleanup();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('retries a failing webhook with signed requests until it succeeds', async () => {
    const sub = await subscribe({ channel: 'webhook', target: `${receiverUrl}/flaky`, eventTypes: ['analytics.sla_breached'] });
    secrets.set('/flaky', sub.secret);
    failuresLeft.set('/flaky', 2);
    const event = buildEvent('analytics.sla_breached', { tenantid: tenant });
    await publisher.publish(event);
    await expectEventually(async () => expect((await deliveries(`?subscriptionId=${sub.id}`))[0]).toMatchObject({ status: 'delivered', attempts: 3 }));
    const hits = received.filter((r) => r.path === '/flaky');
    expect(hits).toHaveLength(3);
    expect(hits.every((h) => h.verified)).toBe(true);
    expect(hits[0]?.body).toMatchObject({ notification: { eventId: event.id, eventType: 'analytics.sla_breached' } });
  });

  it('dead-letters after the last attempt and redelivers on request', async () => {
    const sub = await subscribe({ channel: 'webhook', target: `${receiverUrl}/down` });
    secrets.set('/down', sub.secret);
    failuresLeft.set('/down', 3);
    await publisher.publish(buildEvent('analytics.churn_risk_changed', { tenantid: tenant, data: { level: 'high' } }));
    const [dead] = await expectEventually(async () => {
      const items = await deliveries(`?subscriptionId=${sub.id}&status=dead`);
      expect(items).toHaveLength(1);
      return items;
    });
    expect(dead).toMatchObject({ attempts: 3, lastError: 'HTTP 503' });
    expect(received.filter((r) => r.path === '/down')).toHaveLength(3);
    // Another tenant cannot see or redeliver it.
    expect(await deliveries('', other)).toHaveLength(0);
    const foreign = await fetch(`${app.url}/v1/deliveries/${dead?.id}/redeliver`, { method: 'POST', headers: auth(other) });
    expect(foreign.status).toBe(404);
    const again = await fetch(`${app.url}/v1/deliveries/${dead?.id}/redeliver`, { method: 'POST', headers: auth() });
    expect(again.status).toBe(202);
    await expectEventually(async () => expect((await deliveries(`?subscriptionId=${sub.id}`))[0]).toMatchObject({ status: 'delivered', attempts: 1 }));
  });

  it('sends e-mail through a real SMTP server and a Slack-compatible message', async () => {
    await subscribe({ channel: 'email', target: 'lead@example.com', eventTypes: ['analytics.abuse_detected'], minSeverity: 'high' });
    await subscribe({ channel: 'slack', target: `${receiverUrl}/slack`, eventTypes: ['analytics.abuse_detected'] });
    await publisher.publish(buildEvent('analytics.abuse_detected', { tenantid: tenant, data: { severity: 'low', interactionId: 'low-one' } }));
    await publisher.publish(buildEvent('analytics.abuse_detected', { tenantid: tenant, data: { severity: 'critical', interactionId: 'bad-one' } }));
    await expectEventually(() => expect(mails).toHaveLength(1));
    expect(mails[0]?.to).toBe('lead@example.com');
    expect(mails[0]?.raw).toContain('bad-one');
    await expectEventually(() => expect(received.filter((r) => r.path === '/slack')).toHaveLength(2));
    expect(received.find((r) => r.path === '/slack')?.body).toMatchObject({ text: expect.stringContaining('abuse_detected') as string });
  });

  it('holds non-urgent deliveries during quiet hours, in the subscription time zone', async () => {
    const clock = app.app.get(Clock);
    // 23:30 in Paris (22:30 UTC in winter): inside 22:00–07:00.
    clock.set(new Date('2026-01-15T22:30:00Z'));
    try {
      const sub = await subscribe({
        channel: 'webhook',
        target: `${receiverUrl}/quiet`,
        eventTypes: ['analytics.kudos', 'analytics.wellbeing_changed'],
        quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Paris' },
      });
      secrets.set('/quiet', sub.secret);
      await publisher.publish(buildEvent('analytics.kudos', { tenantid: tenant, data: { agentId: 'a1', quote: 'lovely' } }));
      await publisher.publish(buildEvent('analytics.wellbeing_changed', { tenantid: tenant, data: { level: 'critical' } }));
      await expectEventually(() => expect(received.filter((r) => r.path === '/quiet')).toHaveLength(1));
      expect(received.find((r) => r.path === '/quiet')?.body).toMatchObject({ notification: { severity: 'critical' } });
      // The two events are matched independently: the held one may be recorded after the urgent one went out.
      await expectEventually(async () => expect(await deliveries(`?subscriptionId=${sub.id}&status=pending`)).toHaveLength(1));
      expect(received.filter((r) => r.path === '/quiet')).toHaveLength(1);
      clock.set(new Date('2026-01-16T06:00:00Z')); // 07:00 in Paris
      await expectEventually(() => expect(received.filter((r) => r.path === '/quiet')).toHaveLength(2));
    } finally {
      clock.reset();
    }
  });

  it('escalates a critical alert nobody acknowledged in time, and only that one', async () => {
    const clock = app.app.get(Clock);
    clock.set(new Date('2026-02-01T10:00:00Z'));
    try {
      const sub = await subscribe({ channel: 'webhook', target: `${receiverUrl}/oncall`, eventTypes: ['analytics.wellbeing_changed'], escalateAfterSeconds: 300 });
      secrets.set('/oncall', sub.secret);
      const supervisor = { authorization: `Bearer ${app.token({ tenant, role: 'supervisor', sub: 'sup-1' })}` };
      await publisher.publish(buildEvent('analytics.wellbeing_changed', { tenantid: tenant, data: { agentId: 'handled', level: 'critical' } }));
      await publisher.publish(buildEvent('analytics.wellbeing_changed', { tenantid: tenant, data: { agentId: 'ignored', level: 'critical' } }));
      await publisher.publish(buildEvent('analytics.wellbeing_changed', { tenantid: tenant, data: { agentId: 'minor', level: 'high' } }));
      const handled = await expectEventually(async () => {
        const res = await fetch(`${app.url}/v1/inbox?limit=500`, { headers: supervisor });
        const items = ((await res.json()) as { items: { id: string; data: { agentId?: string } }[] }).items;
        const found = items.find((i) => i.data.agentId === 'handled');
        expect(found).toBeDefined();
        return found as { id: string };
      });
      expect((await fetch(`${app.url}/v1/inbox/${handled.id}/ack`, { method: 'POST', headers: supervisor })).status).toBe(201);
      await expectEventually(async () => expect(await deliveries(`?subscriptionId=${sub.id}&status=pending`)).toHaveLength(2));
      expect(received.filter((r) => r.path === '/oncall')).toHaveLength(0);

      clock.advance(301_000);
      await expectEventually(() => expect(received.filter((r) => r.path === '/oncall')).toHaveLength(1));
      expect(received.find((r) => r.path === '/oncall')?.body).toMatchObject({ notification: { data: { agentId: 'ignored' } } });
      await expectEventually(async () => expect(await deliveries(`?subscriptionId=${sub.id}&status=cancelled`)).toHaveLength(1));
    } finally {
      clock.reset();
    }
  });

  it('collects low-priority items into one digest per interval, by webhook and by e-mail', async () => {
    const clock = app.app.get(Clock);
    clock.set(new Date('2026-04-01T10:00:10Z'));
    try {
      const sub = await subscribe({ channel: 'webhook', target: `${receiverUrl}/digest`, eventTypes: ['analytics.kudos', 'analytics.sla_breached'], digestIntervalSeconds: 3600 });
      secrets.set('/digest', sub.secret);
      const mailSub = await subscribe({ channel: 'email', target: 'digest@example.com', eventTypes: ['analytics.kudos'], digestIntervalSeconds: 3600 });
      for (const quote of ['one', 'two', 'three']) {
        await publisher.publish(buildEvent('analytics.kudos', { tenantid: tenant, data: { agentId: 'd1', interactionId: `kudos-${quote}`, quote } }));
      }
      await publisher.publish(buildEvent('analytics.sla_breached', { tenantid: tenant }));
      // The high-severity alert goes at once; the kudos wait for the hour.
      await expectEventually(() => expect(received.filter((r) => r.path === '/digest')).toHaveLength(1));
      expect(received.find((r) => r.path === '/digest')?.body).toMatchObject({ notification: { eventType: 'analytics.sla_breached' } });
      await expectEventually(async () => expect(await deliveries(`?subscriptionId=${sub.id}&status=pending`)).toHaveLength(3));
      await expectEventually(async () => expect(await deliveries(`?subscriptionId=${mailSub.id}&status=pending`)).toHaveLength(3));
      expect(mails.filter((m) => m.to === 'digest@example.com')).toHaveLength(0);

      clock.set(new Date('2026-04-01T11:00:00Z'));
      await expectEventually(() => expect(received.filter((r) => r.path === '/digest')).toHaveLength(2));
      const digest = received.filter((r) => r.path === '/digest')[1];
      expect(digest?.verified).toBe(true);
      expect(digest?.body).toMatchObject({ digest: true });
      expect((digest?.body['notifications'] as { data: { quote: string } }[]).map((n) => n.data.quote).sort()).toEqual(['one', 'three', 'two']);
      await expectEventually(async () => expect(await deliveries(`?subscriptionId=${sub.id}&status=delivered`)).toHaveLength(4));

      // One e-mail, received by a real SMTP server, lists the three items.
      await expectEventually(() => expect(mails.filter((m) => m.to === 'digest@example.com')).toHaveLength(1));
      const mail = (mails.find((m) => m.to === 'digest@example.com')?.raw ?? '').replace(/=\r?\n/g, '');
      expect(mail).toMatch(/^Subject: Switchboard digest: 3 notifications\r?$/m);
      for (const quote of ['one', 'two', 'three']) expect(mail).toContain(`kudos-${quote}`);
      await expectEventually(async () => expect(await deliveries(`?subscriptionId=${mailSub.id}&status=delivered`)).toHaveLength(3));
    } finally {
      clock.reset();
    }
  });

  it('rate-limits deliveries per recipient and sends the rest in the next minute', async () => {
    const clock = app.app.get(Clock);
    clock.set(new Date('2026-05-01T08:00:05Z'));
    try {
      const sub = await subscribe({ channel: 'webhook', target: `${receiverUrl}/limited`, eventTypes: ['analytics.sla_breached'] });
      secrets.set('/limited', sub.secret);
      await publisher.publishMany(Array.from({ length: 7 }, (_, i) => buildEvent('analytics.sla_breached', { tenantid: tenant, subject: `rl-${i}` })));
      await expectEventually(async () => {
        expect(await deliveries(`?subscriptionId=${sub.id}&status=delivered`)).toHaveLength(5);
        expect(await deliveries(`?subscriptionId=${sub.id}&status=pending`)).toHaveLength(2);
      });
      expect(received.filter((r) => r.path === '/limited')).toHaveLength(5);
      clock.advance(60_000);
      await expectEventually(() => expect(received.filter((r) => r.path === '/limited')).toHaveLength(7));
      // The log is written once the receiver has answered.
      await expectEventually(async () => {
        const all = await deliveries(`?subscriptionId=${sub.id}`);
        expect(all.map((d) => [d.status, d.attempts])).toEqual(Array.from({ length: 7 }, () => ['delivered', 1]));
      });
    } finally {
      clock.reset();
    }
  });

  it('validates subscriptions and keeps them per tenant', async () => {
    const bad = await fetch(`${app.url}/v1/subscriptions`, {
      method: 'POST',
      headers: admin(),
      body: JSON.stringify({ channel: 'email', target: 'not-an-address', quietHours: { start: '25:00', end: '07:00', timeZone: 'Mars/Base' } }),
    });
    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { errors: { field: string }[] };
    expect(problem.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['target', 'quietHours.start', 'quietHours.timeZone']));
    const agent = await fetch(`${app.url}/v1/subscriptions`, { headers: { authorization: `Bearer ${app.token({ tenant, role: 'agent', sub: 'a1' })}` } });
    expect(agent.status).toBe(403);
    const mine = await subscribe({ channel: 'slack', target: `${receiverUrl}/mine` });
    const foreign = await fetch(`${app.url}/v1/subscriptions/${mine.id}`, { headers: admin(other) });
    expect(foreign.status).toBe(404);
    const list = (await (await fetch(`${app.url}/v1/subscriptions`, { headers: admin(other) })).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(0);
    const patched = await fetch(`${app.url}/v1/subscriptions/${mine.id}`, { method: 'PATCH', headers: admin(), body: JSON.stringify({ minSeverity: 'critical' }) });
    expect(await patched.json()).toMatchObject({ minSeverity: 'critical', channel: 'slack' });
    expect((await fetch(`${app.url}/v1/subscriptions/${mine.id}`, { method: 'DELETE', headers: auth(other) })).status).toBe(404);
    expect((await fetch(`${app.url}/v1/subscriptions/${mine.id}`, { method: 'DELETE', headers: auth() })).status).toBe(204);
  });
});
