import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { EventPublisher } from '@switchboard/platform';
import { buildEvent, createTestNamespace, expectEventually, startTestApp, uniqueTenant, type TestApp, type TestNamespace } from '@switchboard/testing';
import { WebSocket } from 'ws';
import { AppModule as AnalyticsModule } from '../../services/analytics/src/app.module';
import { AppModule as NotifyModule } from '../../services/notify/src/app.module';
import { AttackLog } from './support/attack-log';
import { forgedCredentials } from './support/forged-tokens';

jest.setTimeout(60_000);

const WS = 'notify WebSocket /v1/ws';
const SSE = 'analytics GET /v1/stream';

/** A WebSocket client that records what it receives, or the refusal of its upgrade. */
class Socket {
  readonly messages: Record<string, unknown>[] = [];
  closeCode: number | undefined;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.messages.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>));
    ws.on('close', (code) => (this.closeCode = code));
  }

  static open(url: string, query: string, headers: Record<string, string> = {}): Promise<Socket | { status: number; contentType: string; body: Record<string, unknown> }> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/ws${query}`, { headers });
    const socket = new Socket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
        });
      });
      ws.once('error', (error) => reject(error));
    });
  }

  notifications(): Record<string, unknown>[] {
    return this.messages.filter((m) => m['type'] === 'notification');
  }

  close(): void {
    this.ws.terminate();
  }
}

async function connected(url: string, token: string): Promise<Socket> {
  const socket = await Socket.open(url, `?access_token=${encodeURIComponent(token)}`);
  if (!(socket instanceof Socket)) throw new Error(`upgrade refused: ${socket.status}`);
  await expectEventually(() => expect(socket.messages.some((m) => m['type'] === 'ready')).toBe(true));
  return socket;
}

/** An open Server-Sent Events stream collecting its raw text. */
async function stream(url: string, token: string): Promise<{ status: number; text: () => string; close: () => void }> {
  const controller = new AbortController();
  const res = await fetch(`${url}/v1/stream?access_token=${encodeURIComponent(token)}`, { signal: controller.signal });
  let text = '';
  if (res.body) {
    const reader = res.body.getReader();
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          text += Buffer.from(value).toString('utf8');
        }
      } catch {
        // aborted
      }
    })();
  }
  return { status: res.status, text: () => text, close: () => controller.abort() };
}

describe('security: live channels (notify WebSocket, analytics Server-Sent Events)', () => {
  const log = new AttackLog('live-channels');
  const a = uniqueTenant('live-a');
  const b = uniqueTenant('live-b');
  let nsNotify: TestNamespace;
  let nsAnalytics: TestNamespace;
  let notify: TestApp;
  let analytics: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    nsNotify = createTestNamespace('security_ws');
    nsAnalytics = createTestNamespace('security_sse');
    notify = await startTestApp(NotifyModule, nsNotify);
    analytics = await startTestApp(AnalyticsModule, nsAnalytics);
  }, 180_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    log.write();
    await notify?.close();
    await analytics?.close();
    await Promise.all([nsNotify?.cleanup(), nsAnalytics?.cleanup()]);
  });

  it('refuses the WebSocket upgrade with 401 problem+json for every forged token, 403 for ingest, 400 for a bad cursor', async () => {
    const failures: string[] = [];
    for (const c of forgedCredentials({ tenant: a, role: 'agent', sub: 'agent-1' })) {
      const token = c.authorization?.replace(/^Bearer /, '');
      const viaHeader = await Socket.open(notify.url, '', c.authorization === undefined ? {} : { authorization: c.authorization });
      const viaQuery = token && c.authorization?.startsWith('Bearer ') ? await Socket.open(notify.url, `?access_token=${encodeURIComponent(token)}`) : undefined;
      for (const res of [viaHeader, viaQuery]) {
        if (res === undefined) continue;
        log.add(WS, 'forged tokens');
        if (res instanceof Socket) {
          res.close();
          failures.push(`${c.name}: upgrade accepted`);
        } else if (res.status !== 401 || !res.contentType.startsWith('application/problem+json') || res.body['code'] !== c.code) {
          failures.push(`${c.name}: ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
    }
    const ingest = await Socket.open(notify.url, `?access_token=${notify.token({ tenant: a, role: 'ingest' })}`);
    const cursor = await Socket.open(notify.url, `?access_token=${notify.token({ tenant: a, role: 'agent', sub: 'agent-1' })}&since=-1%27%20OR%201=1`);
    log.add(WS, 'role matrix');
    log.add(WS, 'fuzz');
    expect(failures).toEqual([]);
    expect(ingest instanceof Socket ? 'accepted' : ingest.status).toBe(403);
    expect(cursor instanceof Socket ? 'accepted' : cursor.status).toBe(400);
  });

  it("never pushes one tenant's notifications to another tenant's sockets, nor lets them acknowledge them", async () => {
    const own = await connected(notify.url, notify.token({ tenant: a, role: 'agent', sub: 'agent-1' }));
    const ownSupervisor = await connected(notify.url, notify.token({ tenant: a, role: 'supervisor', sub: 'sup-1' }));
    // Same agent id and roles, other tenant.
    const intruders = await Promise.all([
      connected(notify.url, notify.token({ tenant: b, role: 'agent', sub: 'agent-1' })),
      connected(notify.url, notify.token({ tenant: b, role: 'supervisor', sub: 'sup-1' })),
      connected(notify.url, notify.token({ tenant: b, role: 'admin' })),
    ]);
    sockets.push(own, ownSupervisor, ...intruders);
    const marker = `secret-${randomUUID()}`;
    await notify.app.get(EventPublisher).publishMany([
      buildEvent('analytics.kudos', { tenantid: a, data: { agentId: 'agent-1', quote: marker } }),
      buildEvent('analytics.abuse_detected', { tenantid: a, data: { agentId: 'agent-1', severity: 'high', quote: marker } }),
    ]);
    // Every socket is served by the same fan-out: once tenant A's sockets have their notifications, B's would have too.
    await expectEventually(() => {
      expect(own.notifications().length).toBeGreaterThanOrEqual(2);
      expect(ownSupervisor.notifications().length).toBeGreaterThanOrEqual(1);
    });
    for (const s of intruders) expect(JSON.stringify(s.messages)).not.toContain(marker);
    log.add(WS, 'cross-tenant', intruders.length);

    const ids = own.notifications().map((n) => String(n['id']));
    const [intruder] = intruders;
    for (const id of ids) intruder!.ws.send(JSON.stringify({ type: 'ack', id }));
    log.add(WS, 'cross-tenant', ids.length);
    await expectEventually(() => expect(intruder!.messages.filter((m) => m['type'] === 'error' && m['code'] === 'NOTIFY.NOTIFICATION_NOT_FOUND')).toHaveLength(ids.length));
    const inbox = await fetch(`${notify.url}/v1/inbox`, { headers: { authorization: `Bearer ${notify.token({ tenant: a, role: 'agent', sub: 'agent-1' })}` } });
    const items = ((await inbox.json()) as { items: { id: string; ackedAt?: string | null }[] }).items;
    expect(items.filter((n) => ids.includes(n.id)).map((n) => n.ackedAt ?? null)).toEqual(ids.map(() => null));
  });

  it('answers malformed frames with an error message and keeps serving the socket', async () => {
    const socket = await connected(notify.url, notify.token({ tenant: a, role: 'agent', sub: 'agent-2' }));
    sockets.push(socket);
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''),
          fc.record({ type: fc.constantFrom('ack', 'ping', 'subscribe', '__proto__'), id: fc.oneof(fc.uuid(), fc.string(), fc.integer()) }).map((v) => JSON.stringify(v)),
          // Deeply nested, yet under the socket's 64 KiB frame limit (larger frames close the socket: next test).
          fc.constant(`[${'['.repeat(30_000)}${']'.repeat(30_000)}]`),
        ),
        async (frame) => {
          socket.ws.send(frame);
          sent += 1;
          log.add(WS, 'fuzz');
        },
      ),
      { numRuns: 60 },
    );
    socket.ws.send(JSON.stringify({ type: 'ping' }));
    await expectEventually(() => expect(socket.messages.filter((m) => m['type'] === 'pong').length).toBeGreaterThanOrEqual(1));
    expect(socket.closeCode).toBeUndefined();
    expect(socket.messages.filter((m) => m['type'] === 'error' || m['type'] === 'acked' || m['type'] === 'pong').length).toBeGreaterThanOrEqual(Math.min(sent, 1));
  });

  it('closes a socket that sends an oversized frame (1 MiB) instead of buffering it', async () => {
    const socket = await connected(notify.url, notify.token({ tenant: a, role: 'agent', sub: 'agent-3' }));
    sockets.push(socket);
    socket.ws.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(1024 * 1024) }));
    log.add(WS, 'oversized');
    // 1009: message too big (RFC 6455). Clients send acks and pings of a few dozen bytes.
    await expectEventually(() => expect(socket.closeCode).toBe(1009), { timeoutMs: 5000 });
  });

  it("refuses forged tokens on the live stream and never streams one tenant's events to another", async () => {
    const failures: string[] = [];
    for (const c of forgedCredentials({ tenant: a, role: 'supervisor', sub: 'sup-1' })) {
      const res = await fetch(`${analytics.url}/v1/stream`, { headers: c.authorization === undefined ? {} : { authorization: c.authorization } });
      const contentType = res.headers.get('content-type') ?? '';
      if (contentType.startsWith('text/event-stream')) await res.body?.cancel();
      const body = contentType.startsWith('application/problem+json') ? ((await res.json()) as Record<string, unknown>) : {};
      log.add(SSE, 'forged tokens');
      if (res.status !== 401 || body['code'] !== c.code) failures.push(`${c.name}: ${res.status} ${JSON.stringify(body)}`);
    }
    expect(failures).toEqual([]);

    const own = await stream(analytics.url, analytics.token({ tenant: a, role: 'supervisor', sub: 'sup-1' }));
    const intruder = await stream(analytics.url, analytics.token({ tenant: b, role: 'supervisor', sub: 'sup-1' }));
    const intruderAgent = await stream(analytics.url, analytics.token({ tenant: b, role: 'agent', sub: 'agent-1' }));
    try {
      expect([own.status, intruder.status, intruderAgent.status]).toEqual([200, 200, 200]);
      const marker = `secret-${randomUUID()}`;
      const event = buildEvent('analytics.kudos', { tenantid: a, data: { agentId: 'agent-1', quote: marker } });
      await analytics.app.get(EventPublisher).publish(event);
      await expectEventually(() => expect(own.text()).toContain(event.id));
      expect(intruder.text()).not.toContain(event.id);
      expect(intruderAgent.text()).not.toContain(event.id);
      log.add(SSE, 'cross-tenant', 2);
    } finally {
      own.close();
      intruder.close();
      intruderAgent.close();
    }
  });
});
