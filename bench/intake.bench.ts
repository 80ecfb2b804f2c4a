import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { buildEvent, createTestNamespace, pollUntil, testToken, TEST_DATABASE_URL, TEST_NATS_URL, uniqueTenant } from '@switchboard/testing';
import { connect } from 'nats';
import { Client } from 'pg';
import { figure, percentile, rate, timed, type BenchResult } from './harness';

/**
 * Intake end to end: the service runs as its own process (as in production) and a keep-alive HTTP load
 * generator in this process sends single events and batches. Compared with raw pipelined JetStream
 * publishes of the same events measured in the same run.
 */
const CONCURRENCY = 32;
const SINGLE_SECONDS = 8;
const WARMUP_SECONDS = 2;
const BATCH_SIZE = 500;
const BATCH_CONCURRENCY = 8;
const BATCH_EVENTS = 60_000;
const RAW_EVENTS = 60_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

function post(agent: Agent, port: number, token: string, body: string, contentType: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: '127.0.0.1', port, method: 'POST', path: '/v1/events', headers: { authorization: `Bearer ${token}`, 'content-type': contentType, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const utterance = (tenant: string, i: number) =>
  buildEvent('interaction.utterance', { tenantid: tenant, data: { interactionId: `int-${i % 2000}`, text: `Thanks, that fixed my billing problem (${i})` } });

async function rawPipelined(namespace: string): Promise<number> {
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    const jsm = await nc.jetstreamManager();
    const stream = `${namespace.toUpperCase()}_RAWINTAKE`;
    await jsm.streams.add({ name: stream, subjects: [`${namespace}.rawintake.>`], duplicate_window: 120_000_000_000 });
    const js = nc.jetstream();
    const encoder = new TextEncoder();
    const bodies = Array.from({ length: RAW_EVENTS }, (_, i) => encoder.encode(JSON.stringify(utterance('acme', i))));
    const { ms } = await timed(async () => {
      // Pipelined like EventPublisher.publishMany: up to 1000 publishes in flight.
      for (let start = 0; start < bodies.length; start += 1000) {
        await Promise.all(bodies.slice(start, start + 1000).map((body, i) => js.publish(`${namespace}.rawintake.acme.x`, body, { msgID: `raw-${start + i}` })));
      }
    });
    await jsm.streams.delete(stream);
    return rate(RAW_EVENTS, ms);
  } finally {
    await nc.close();
  }
}

export async function run(): Promise<BenchResult> {
  const ns = createTestNamespace('benchintake');
  const port = await freePort();
  const env = ns.env({
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    BODY_LIMIT_BYTES: String(5 * 1024 * 1024),
    INTAKE_RATE_LIMIT_PER_SECOND: '10000000',
  });
  let child: ChildProcess | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const db = new Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
  try {
    // The ceiling first, while nothing else runs.
    const raw = await rawPipelined(ns.natsNamespace);
    child = spawn(process.execPath, ['-r', '@swc-node/register', 'services/intake/src/main.ts'], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await pollUntil(
      async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.status,
      (status) => status === 200,
      { timeoutMs: 60_000, intervalMs: 200, description: 'intake ready' },
    );
    const tenant = uniqueTenant('bench');
    const token = testToken({ tenant, role: 'ingest' });

    // Single events: CONCURRENCY clients in a closed loop, each one event per request.
    let counter = 0;
    const latencies: number[] = [];
    let measuring = false;
    let failures = 0;
    const single = async (until: number) => {
      while (Date.now() < until) {
        const body = JSON.stringify(utterance(tenant, counter++));
        const started = performance.now();
        const status = await post(agent, port, token, body, 'application/cloudevents+json');
        if (status !== 202) failures++;
        if (measuring) latencies.push(performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, () => single(Date.now() + WARMUP_SECONDS * 1000)));
    measuring = true;
    const singleRun = await timed(() => Promise.all(Array.from({ length: CONCURRENCY }, () => single(Date.now() + SINGLE_SECONDS * 1000))));
    latencies.sort((a, b) => a - b);
    // Let the archive catch up, so that the batch phase starts from a steady state.
    await archived(db, ns.dbSchema, counter);

    // Batches of 500.
    const bodies = Array.from({ length: BATCH_EVENTS / BATCH_SIZE }, (_, b) =>
      JSON.stringify(Array.from({ length: BATCH_SIZE }, (_, i) => utterance(tenant, 1_000_000 + b * BATCH_SIZE + i))),
    );
    let next = 0;
    const batchRun = await timed(() =>
      Promise.all(
        Array.from({ length: BATCH_CONCURRENCY }, async () => {
          while (next < bodies.length) {
            const body = bodies[next++] as string;
            if ((await post(agent, port, token, body, 'application/cloudevents-batch+json')) !== 202) failures++;
          }
        }),
      ),
    );

    const archiveDrain = await timed(() => archived(db, ns.dbSchema, counter + BATCH_EVENTS));
    if (failures > 0) throw new Error(`${failures} request(s) were not accepted`);
    return {
      suite: 'intake',
      figures: [
        figure({
          name: `single-event POST /v1/events (${CONCURRENCY} keep-alive clients)`,
          unit: 'requests/s',
          value: rate(latencies.length, singleRun.ms),
          target: { kind: 'min', value: 3000 },
          extra: { p50_ms: round(percentile(latencies, 50)), p99_ms: round(percentile(latencies, 99)), requests: latencies.length },
        }),
        figure({
          name: 'single-event p99 latency',
          unit: 'ms',
          value: percentile(latencies, 99),
          target: { kind: 'max', value: 20 },
        }),
        figure({
          name: `batch POST /v1/events (${BATCH_SIZE} events, ${BATCH_CONCURRENCY} clients)`,
          unit: 'events/s',
          value: rate(BATCH_EVENTS, batchRun.ms),
          ceiling: { name: 'nats.js pipelined JetStream publish', value: raw },
          target: { kind: 'ratio-min', value: 0.5 },
          extra: { archive_caught_up_ms_after_last_202: round(archiveDrain.ms) },
        }),
      ],
    };
  } finally {
    agent.destroy();
    await db.end();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await ns.cleanup();
  }
}

/** Waits until the archive holds `count` events. */
async function archived(db: Client, schema: string, count: number): Promise<void> {
  await pollUntil(
    async () => Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${schema}".event_archive`)).rows[0]?.n ?? 0),
    (n) => n >= count,
    { timeoutMs: 120_000, intervalMs: 100, description: 'archive caught up' },
  );
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
