import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnyCloudEvent } from '@switchboard/contracts';
import { EventPublisher } from '@switchboard/platform';
import { buildEvent, createTestNamespace, startTestApp, TEST_NATS_URL, uniqueTenant } from '@switchboard/testing';
import { connect } from 'nats';
import { Agent, request } from 'undici';
import { AppModule } from '../services/notify/src/app.module';
import { figure, percentile, rate, round, timed, type BenchResult } from './harness';

const CLIENTS = 1_000;
/** Burst: published as fast as the publisher goes, to measure the sustained delivery rate. */
const BURST = 20_000;
/** Paced: offered at the target rate, to measure the delivery latency at that rate. */
const PACED_RATE = 5_000;
const PACED_SECONDS = 3;
const WEBHOOKS = 4_000;
const RAW = 10_000;

/**
 * The 1,000 WebSocket clients live in a worker thread (their own event loop, as they would be on
 * other machines); they report how many notifications arrived and their latency from the moment
 * the event was created by the publisher (`data.quote` holds that time) to the moment it arrived.
 */
const CLIENTS_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { WebSocket } = require('ws');
let latencies = [];
let waiting;
function check() {
  if (waiting && latencies.length >= waiting.count) {
    parentPort.postMessage({ type: 'done', latencies });
    latencies = [];
    waiting = undefined;
  }
}
function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString('utf8'));
      if (message.type !== 'notification') return;
      latencies.push(Date.now() - Number(message.data.quote));
      check();
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}
const sockets = [];
parentPort.on('message', async (command) => {
  if (command.type === 'connect') {
    for (let i = 0; i < workerData.urls.length; i += 50) sockets.push(...(await Promise.all(workerData.urls.slice(i, i + 50).map(open))));
    parentPort.postMessage({ type: 'connected', count: sockets.length });
  } else if (command.type === 'expect') {
    waiting = { count: command.count };
    check();
  } else if (command.type === 'close') {
    for (const ws of sockets) ws.terminate();
    parentPort.postMessage({ type: 'closed' });
  }
});
`;

class Clients {
  private readonly worker: Worker;

  constructor(urls: string[]) {
    this.worker = new Worker(CLIENTS_WORKER, { eval: true, workerData: { urls } });
  }

  private request<T>(command: { type: string; count?: number }, answer: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onMessage = (message: { type: string }) => {
        if (message.type !== answer) return;
        this.worker.off('message', onMessage);
        this.worker.off('error', reject);
        resolve(message as T);
      };
      this.worker.on('message', onMessage);
      this.worker.once('error', reject);
      this.worker.postMessage(command);
    });
  }

  connect(): Promise<unknown> {
    return this.request({ type: 'connect' }, 'connected');
  }

  /** Latencies (ms, sorted) of the next `count` notifications. */
  async expect(count: number): Promise<number[]> {
    const { latencies } = await this.request<{ latencies: number[] }>({ type: 'expect', count }, 'done');
    return latencies.sort((a, b) => a - b);
  }

  async close(): Promise<void> {
    await this.request({ type: 'close' }, 'closed');
    await this.worker.terminate();
  }
}

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
  let received = 0;
  let expected = Number.POSITIVE_INFINITY;
  let done: (() => void) | undefined;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      if (received >= expected) done?.();
      res.statusCode = 204;
      res.end();
    });
  });
  receiver.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const app = await startTestApp(AppModule, ns, {
    env: { NOTIFY_ALLOW_PRIVATE_TARGETS: 'true', LOG_LEVEL: 'warn', NOTIFY_DELIVERY_POLL_MS: '50', NOTIFY_RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  const tenant = uniqueTenant();
  const wsUrl = app.url.replace('http', 'ws');
  const clients = new Clients(
    Array.from({ length: CLIENTS }, (_, i) => `${wsUrl}/v1/ws?access_token=${app.token({ tenant, role: 'agent', sub: `a${i}` })}`),
  );
  try {
    const publisher = app.app.get(EventPublisher);
    const raw = await rawPublishRate(ns.natsNamespace);
    await clients.connect();
    let sequence = 0;
    const kudos = (): AnyCloudEvent => {
      const n = sequence++;
      return buildEvent('analytics.kudos', { tenantid: tenant, data: { interactionId: `i-${n}`, agentId: `a${n % CLIENTS}`, quote: String(Date.now()) } });
    };
    const publishBatch = (count: number) => publisher.publishMany(Array.from({ length: count }, kudos));

    // Warm-up (JIT, connection pools, prepared plans).
    const warm = clients.expect(1_000);
    await publishBatch(1_000);
    await warm;

    // Burst: sustained delivery rate.
    const burstLatencies = clients.expect(BURST);
    const burst = await timed(async () => {
      for (let start = 0; start < BURST; start += 500) await publishBatch(500);
      return burstLatencies;
    });
    const burstSorted = await burst.result;

    // Paced: latency at the target rate (open loop: the publisher keeps the schedule whatever the delivery does).
    const pacedTotal = PACED_RATE * PACED_SECONDS;
    const pacedLatencies = clients.expect(pacedTotal);
    const load = loadavg()[0] ?? 0;
    const pacedStart = performance.now();
    const publishing: Promise<unknown>[] = [];
    let sent = 0;
    while (sent < pacedTotal) {
      const due = Math.min(pacedTotal, Math.floor(((performance.now() - pacedStart) / 1000) * PACED_RATE));
      if (due > sent) {
        publishing.push(publishBatch(due - sent));
        sent = due;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(publishing);
    const paced = await pacedLatencies;
    const pacedMs = performance.now() - pacedStart;

    // Webhooks to a local receiver.
    // The raw ceiling: the same number of POSTs over 64 keep-alive connections, 64 in flight (what the worker uses).
    const agent = new Agent({ connections: 64 });
    let next = 0;
    const raw200 = await timed(() =>
      Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next++ < WEBHOOKS) await (await request(receiverUrl, { method: 'POST', body: '{}', dispatcher: agent })).body.dump();
        }),
      ),
    );
    await agent.close();
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
          name: `WebSocket messages/s to ${CLIENTS} connected clients (burst of ${BURST}, event published → client received)`,
          unit: 'msg/s',
          value: rate(BURST, burst.ms),
          ceiling: { name: 'raw JetStream publish (pipelined, same run)', value: raw },
          target: { kind: 'min', value: 5_000 },
          extra: { messages: BURST, burstP50Ms: percentile(burstSorted, 50), burstP99Ms: percentile(burstSorted, 99) },
        }),
        figure({
          name: `WebSocket delivery latency p99 at ${PACED_RATE} msg/s offered to ${CLIENTS} clients (event created → client received)`,
          unit: 'ms',
          value: percentile(paced, 99),
          target: { kind: 'max', value: 50 },
          extra: {
            messages: pacedTotal,
            achievedMsgPerS: round(rate(pacedTotal, pacedMs), 0),
            p50Ms: percentile(paced, 50),
            p90Ms: percentile(paced, 90),
            maxMs: paced.at(-1) ?? Number.NaN,
            loadAvg1m: round(load, 2),
          },
        }),
        figure({
          name: 'Webhook deliveries/s to a local receiver (event published → receiver got it, signed)',
          unit: 'deliveries/s',
          value: rate(WEBHOOKS, hooks.ms),
          ceiling: { name: 'raw HTTP POST to the same receiver (same run)', value: rate(WEBHOOKS, raw200.ms) },
          target: { kind: 'min', value: 1_000 },
          extra: { deliveries: WEBHOOKS, loadAvg1m: round(loadavg()[0] ?? 0, 2) },
        }),
      ],
    };
  } finally {
    await clients.close();
    await app.close();
    await ns.cleanup();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}
