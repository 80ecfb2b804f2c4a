import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { buildEvent, createTestNamespace, expectEventually, pollUntil, testToken, uniqueTenant, type TestNamespace } from '@switchboard/testing';
import { connect, type NatsConnection } from 'nats';
import { Client } from 'pg';
import { namespacedStream } from '@switchboard/platform';
import { TEST_DATABASE_URL, TEST_NATS_URL } from '@switchboard/testing';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '../../..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

/** Runs intake as its own process, exactly as `nx serve intake` does. */
class IntakeProcess {
  private child: ChildProcess | undefined;
  output = '';

  constructor(
    private readonly env: Record<string, string>,
    readonly url: string,
  ) {}

  async start(): Promise<void> {
    this.child = spawn(process.execPath, ['-r', '@swc-node/register', 'services/intake/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-20_000)));
    this.child.stderr?.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-20_000)));
    await pollUntil(
      async () => (await fetch(`${this.url}/health/ready`).catch(() => undefined))?.status,
      (status) => status === 200,
      { timeoutMs: 60_000, intervalMs: 100, description: 'intake ready' },
    );
  }

  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

describe('kill -9 of intake under load', () => {
  let ns: TestNamespace;
  let intake: IntakeProcess;
  let nc: NatsConnection;
  let db: Client;

  beforeAll(async () => {
    ns = createTestNamespace('intake_kill');
    const port = await freePort();
    intake = new IntakeProcess(
      ns.env({ PORT: String(port), HOST: '127.0.0.1', INTAKE_RATE_LIMIT_PER_SECOND: '1000000', INTAKE_ARCHIVE_ACK_WAIT_MS: '2000', INTAKE_ARCHIVE_FLUSH_MS: '20' }),
      `http://127.0.0.1:${port}`,
    );
    nc = await connect({ servers: TEST_NATS_URL });
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await intake.stop();
    await nc.close();
    await db.end();
    await ns.cleanup();
  });

  it('loses and duplicates nothing that got a 202, in the stream and in the archive', async () => {
    const tenant = uniqueTenant('kill');
    const token = testToken({ tenant, role: 'ingest' });
    await intake.start();

    const accepted = new Set<string>();
    const unanswered: string[][] = [];
    let stop = false;
    const send = async (batch: ReturnType<typeof buildEvent>[]): Promise<boolean> => {
      try {
        const res = await fetch(`${intake.url}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents-batch+json' },
          body: JSON.stringify(batch),
        });
        await res.text();
        if (res.status === 202) return true;
      } catch {
        // Connection refused or reset by the kill: the client does not know whether the events were taken.
      }
      return false;
    };
    const worker = async (w: number) => {
      for (let n = 0; !stop; n++) {
        const batch = Array.from({ length: 1 + ((w + n) % 20) }, (_, i) =>
          buildEvent(i % 2 ? 'interaction.utterance' : 'interaction.created', { tenantid: tenant, data: { interactionId: `int-${w}-${n}` } }),
        );
        if (await send(batch)) batch.forEach((e) => accepted.add(e.id));
        else {
          unanswered.push(batch.map((e) => JSON.stringify(e)));
          if (stop) return;
        }
      }
    };
    const load = Array.from({ length: 16 }, (_, w) => worker(w));
    await pollUntil(() => accepted.size, (size) => size >= 3000, { timeoutMs: 60_000, intervalMs: 5, description: 'events accepted before the kill' });
    await intake.kill9();
    stop = true;
    await Promise.all(load);
    const acceptedBeforeKill = accepted.size;

    await intake.start();
    // The client retries what got no answer: now accepted (or recognised as already accepted).
    for (const raw of unanswered) {
      const batch = raw.map((r) => JSON.parse(r) as ReturnType<typeof buildEvent>);
      expect(await send(batch)).toBe(true);
      batch.forEach((e) => accepted.add(e.id));
    }

    const stream = namespacedStream(ns.natsNamespace, 'CC_INTERACTIONS');
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(stream);
    const counts = new Map<string, number>();
    const consumer = await nc.jetstream().consumers.get(stream);
    const messages = await consumer.consume();
    for await (const msg of messages) {
      const id = msg.json<{ id: string }>().id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
      if (msg.seq >= info.state.last_seq) break;
    }
    await messages.close();
    expect(acceptedBeforeKill).toBeGreaterThanOrEqual(3000);
    expect([...accepted].filter((id) => counts.get(id) !== 1)).toEqual([]);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);

    await expectEventually(
      async () => {
        const { rows } = await db.query<{ event_id: string; n: string }>(
          `SELECT event_id, count(*)::text AS n FROM "${ns.dbSchema}".event_archive WHERE tenant_id = $1 GROUP BY event_id`,
          [tenant],
        );
        const archived = new Map(rows.map((r) => [r.event_id, Number(r.n)]));
        expect([...accepted].filter((id) => archived.get(id) !== 1)).toEqual([]);
        expect(archived.size).toBe(counts.size);
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'archive holds every accepted event once' },
    );
  });
});
