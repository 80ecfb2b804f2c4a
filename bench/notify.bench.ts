import '../services/notify/test/fastify-not-found';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventPublisher } from '@switchboard/platform';
import { buildEvent, createTestNamespace, startTestApp, TEST_NATS_URL, uniqueTenant } from '@switchboard/testing';
import { connect } from 'nats';
import { WebSocket } from 'ws';
import { AppModule } from '../services/notify/src/app.module';
import { figure, percentile, rate, timed, type BenchResult } from './harness';

const CLIENTS = 1_000;
const MESSAGES = 5_000;
const WEBHOOKS = 2_000;
const RAW = 10_000;

async function rawPublishRate(ns: string): Promise<number> {
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    const jsm = await nc.jetstreamManager();
    const stream = `${ns.toUpperCase()}_RAWNOTIFY`;
    await jsm.streams.add({ name: stream, subjects: [`${ns}.rawnotify.>`] });
    const js = nc.jetstream();
    const body = new TextEncoder().encode(JSON.stringify(buildEvent('analytics.kudos')));
    const { ms } = await timed(() => Promise.all(Array.from({ length: RAW }, (_, i) => js.publish(`${ns}.rawnotify.x`, body, { msgID: `r-${i}` }))));
    await jsm.streams.delete(stream);
    return rate(RAW, ms);
  } finally {
    await nc.close();
  }
}

export async function run(): Promise<BenchResult> {
  const ns = createTestNamespace('bench_notify');
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      if (received >= expected) done?.();
      res.statusCode = 204;
      res.end();
    });
  });
  let received = 0;
  let expected = Number.POSITIVE_INFINITY;
  let done: (() => void) | undefined;
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const app = await startTestApp(AppModule, ns, {
    env: { NOTIFY_ALLOW_PRIVATE_TARGETS: 'true', LOG_LEVEL: 'warn', NOTIFY_DELIVERY_POLL_MS: '50', NOTIFY_DELIVERY_BATCH: '200', NOTIFY_RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  const sockets: WebSocket[] = [];
  try {
    const publisher = app.app.get(EventPublisher);
    const tenant = uniqueTenant();
    const raw = await rawPublishRate(ns.natsNamespace);

    // 1,000 connected agents.
    const latencies: number[] = [];
    let got = 0;
    let allReceived: (() => void) | undefined;
    for (let i = 0; i < CLIENTS; i++) {
      const ws = new WebSocket(`${app.url.replace('http', 'ws')}/v1/ws?access_token=${app.token({ tenant, role: 'agent', sub: `a${i}` })}`);
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as { type: string; data?: { quote?: string } };
        if (message.type !== 'notification') return;
        latencies.push(Date.now() - Number(message.data?.quote));
        if (++got >= MESSAGES) allReceived?.();
      });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      sockets.push(ws);
    }
    const finished = new Promise<void>((resolve) => (allReceived = resolve));
    const ws = await timed(async () => {
      for (let start = 0; start < MESSAGES; start += 500) {
        const batch = Array.from({ length: Math.min(500, MESSAGES - start) }, (_, k) =>
          buildEvent('analytics.kudos', { tenantid: tenant, data: { interactionId: `i-${start + k}`, agentId: `a${(start + k) % CLIENTS}`, quote: String(Date.now()) } }),
        );
        await publisher.publishMany(batch);
      }
      await finished;
    });
    latencies.sort((a, b) => a - b);

    // Webhooks to a local receiver.
    const raw200 = await timed(() =>
      Promise.all(Array.from({ length: WEBHOOKS }, () => fetch(receiverUrl, { method: 'POST', body: '{}' }).then((r) => r.arrayBuffer()))),
    );
    received = 0;
    await fetch(`${app.url}/v1/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.token({ tenant, role: 'admin', sub: 'bench' })}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'webhook', target: receiverUrl, eventTypes: ['analytics.sla_breached'] }),
    });
    expected = WEBHOOKS;
    const hooksDone = new Promise<void>((resolve) => (done = resolve));
    const hooks = await timed(async () => {
      for (let start = 0; start < WEBHOOKS; start += 500) {
        await publisher.publishMany(Array.from({ length: 500 }, (_, k) => buildEvent('analytics.sla_breached', { tenantid: tenant, subject: `q-${start + k}` })));
      }
      await hooksDone;
    });

    return {
      suite: 'notify',
      figures: [
        figure({
          name: `WebSocket messages/s to ${CLIENTS} connected clients (event published → client received)`,
          unit: 'msg/s',
          value: rate(MESSAGES, ws.ms),
          ceiling: { name: 'raw JetStream publish (pipelined, same run)', value: raw },
          target: { kind: 'min', value: 5_000 },
          extra: { messages: MESSAGES, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) },
        }),
        figure({
          name: 'WebSocket delivery latency p99 (event published → client received)',
          unit: 'ms',
          value: percentile(latencies, 99),
          target: { kind: 'max', value: 50 },
        }),
        figure({
          name: 'Webhook deliveries/s to a local receiver (event published → receiver got it, signed)',
          unit: 'deliveries/s',
          value: rate(WEBHOOKS, hooks.ms),
          ceiling: { name: 'raw HTTP POST to the same receiver (same run)', value: rate(WEBHOOKS, raw200.ms) },
          target: { kind: 'min', value: 1_000 },
          extra: { deliveries: WEBHOOKS },
        }),
      ],
    };
  } finally {
    for (const s of sockets) s.terminate();
    await app.close();
    await ns.cleanup();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}
