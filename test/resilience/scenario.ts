import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { CLUSTER_JWT_SECRET, Deployment, pause, type DeploymentOptions, type ServiceName } from '@switchboard/cluster';
import { clean, formatTable, runChecks, type CheckRow } from './checks';
import { Traffic, type TrafficOptions } from './traffic';

/** Something that goes wrong, and how the deployment is brought back (or left without it). */
export interface Fault {
  name: string;
  inflict(d: Deployment): Promise<void>;
}

export interface TimelineEntry {
  at: number;
  what: string;
  ms: number;
}

export interface ScenarioOptions {
  deployment: DeploymentOptions;
  traffic: Omit<TrafficOptions, 'tenant' | 'log'>;
  /** Load before the first fault. */
  warmupMs: number;
  /** Load between two faults (after recovery). */
  gapMs: number;
  /** Load after the last fault, before the drain (default `gapMs`). */
  tailMs?: number;
  faults: Fault[];
  /** How long the drain (every interaction assigned and ended) may take. */
  drainTimeoutMs: number;
  /** How long the checks may wait for the consumers to catch up. */
  settleTimeoutMs: number;
  log?: (line: string) => void;
}

export interface ScenarioResult {
  rows: CheckRow[];
  clean: boolean;
  timeline: TimelineEntry[];
  retries: number;
  refusals: string[];
  /** Interactions not yet ended when the drain gave up. */
  undrained: number;
  table: string;
  durationMs: number;
}

export const CAPACITY = { voice: 1, chat: 3 } as const;

/** kill -9 of one replica, then a new process in its place (waits until it is ready). */
export function killAndRestart(service: ServiceName, replica = 0): Fault {
  return {
    name: `kill -9 ${service}#${replica}, restart`,
    inflict: async (d) => {
      const p = d.services[service][replica];
      if (!p) throw new Error(`no ${service}#${replica}`);
      await p.kill9();
      await p.start();
    },
  };
}

/**
 * kill -9 of each service in turn, `spacingMs` apart, each restarted at once: the restarts overlap (a service
 * comes back while the next one is down), which keeps the short form short when start-up is slow.
 */
export function killEachInTurn(services: readonly ServiceName[], spacingMs: number): Fault {
  return {
    name: `kill -9 ${services.join(', ')} ${spacingMs / 1000} s apart, each restarted at once`,
    inflict: async (d) => {
      const restarts: Promise<void>[] = [];
      for (const service of services) {
        const p = d.services[service][0];
        if (!p) throw new Error(`no ${service}#0`);
        await p.kill9();
        restarts.push(p.start());
        await pause(spacingMs);
      }
      await Promise.all(restarts);
    },
  };
}

/** kill -9 of one replica, left dead (its peers carry on). */
export function killReplica(service: ServiceName, replica: number): Fault {
  return {
    name: `kill -9 ${service}#${replica} (stays down)`,
    inflict: async (d) => {
      const p = d.services[service][replica];
      if (!p) throw new Error(`no ${service}#${replica}`);
      await p.kill9();
    },
  };
}

/** kill -9 of a NATS server, `downMs` without it, then back (its store kept), and every service ready again. */
export function restartNats(node = 0, downMs = 2000): Fault {
  return {
    name: `kill -9 NATS ${node + 1}, ${downMs / 1000} s down, restart`,
    inflict: async (d) => {
      const n = d.nats.nodes[node];
      if (!n) throw new Error(`no NATS node ${node}`);
      await n.kill9();
      await pause(downMs);
      await n.start();
      await d.nats.waitForJetStream();
      await d.ready();
    },
  };
}

/** kill -9 of a NATS cluster node, left down: the streams' other replicas carry on. */
export function killNatsNode(node: number): Fault {
  return {
    name: `kill -9 NATS node ${node + 1} (stays down)`,
    inflict: async (d) => {
      const n = d.nats.nodes[node];
      if (!n) throw new Error(`no NATS node ${node}`);
      await n.kill9();
      await d.nats.waitForJetStream();
    },
  };
}

/** kill -9 of Redis, `downMs` without it; it comes back empty (no persistence). */
export function restartRedis(downMs = 2000): Fault {
  return {
    name: `kill -9 Redis, ${downMs / 1000} s down, restart empty`,
    inflict: async (d) => {
      await d.redis.kill9();
      await pause(downMs);
      await d.redis.start();
      await d.ready();
    },
  };
}

/** Immediate shutdown of PostgreSQL (crash recovery at restart), `downMs` without it. */
export function restartPostgres(downMs = 2000): Fault {
  return {
    name: `PostgreSQL immediate stop, ${downMs / 1000} s down, restart`,
    inflict: async (d) => {
      await d.postgres.crash();
      await pause(downMs);
      await d.postgres.start();
      await d.ready();
    },
  };
}

/**
 * Starts a deployment, runs steady traffic through it, inflicts the faults one after the other, drains (stops
 * new interactions; waits until every accepted one was assigned and ended), waits for the consumers to catch
 * up, and compares what the clients got accepted with what every service did.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const timeline: TimelineEntry[] = [];
  const step = async (what: string, work: () => Promise<void>) => {
    const t = Date.now();
    log(`${((t - started) / 1000).toFixed(1)} s  ${what}`);
    await work();
    timeline.push({ at: t - started, what, ms: Date.now() - t });
    log(`${((Date.now() - started) / 1000).toFixed(1)} s  … done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };

  const d = await Deployment.start({ ...options.deployment, log });
  timeline.push({ at: 0, what: 'deployment started', ms: Date.now() - started });
  const tenant = `t${randomBytes(4).toString('hex')}`;
  const running = (s: ServiceName) => () => d.services[s].filter((p) => p.process.running).map((p) => p.url);
  const traffic = new Traffic(
    {
      intake: running('intake'),
      routing: running('routing'),
      notify: running('notify'),
      routingDatabaseUrl: d.postgres.url,
      routingSchema: 'routing',
      jwtSecret: CLUSTER_JWT_SECRET,
    },
    { ...options.traffic, tenant, log },
  );
  try {
    await traffic.setUp();
    traffic.start();
    await pause(options.warmupMs);
    for (const [i, fault] of options.faults.entries()) {
      await step(fault.name, () => fault.inflict(d));
      await pause(i === options.faults.length - 1 ? (options.tailMs ?? options.gapMs) : options.gapMs);
    }
    traffic.stopGenerating();
    let undrained = 0;
    await step('drain: every accepted interaction assigned and ended', async () => {
      undrained = await drain(d.postgres.url, tenant, traffic, options.drainTimeoutMs);
    });
    await traffic.stop();
    const ctx = {
      natsUrl: d.nats.url,
      namespace: d.namespace,
      databaseUrl: d.postgres.url,
      tenant,
      agents: options.traffic.agents,
      capacity: CAPACITY,
      analyticsUrls: running('analytics')(),
      supervisorToken: traffic.token('supervisor'),
      streamReplicas: options.deployment.streamReplicas ?? options.deployment.natsNodes ?? 1,
    };
    let rows: CheckRow[] = [];
    await step('checks: consumers caught up', async () => {
      const deadline = Date.now() + options.settleTimeoutMs;
      for (;;) {
        try {
          rows = await runChecks(ctx, traffic.ledger);
        } catch (error) {
          // A server slow to answer on a saturated machine: ask again until the deadline.
          if (Date.now() > deadline) throw error;
          log(`checks: ${error instanceof Error ? (error.stack ?? error.message).split('\n').slice(0, 4).join(' ') : String(error)}; again`);
          await pause(2000);
          continue;
        }
        if (clean(rows) || Date.now() > deadline) break;
        await pause(1000);
      }
    });
    const result: ScenarioResult = {
      rows,
      clean: clean(rows) && undrained === 0 && traffic.ledger.refusals.length === 0,
      timeline,
      retries: traffic.ledger.retries,
      refusals: traffic.ledger.refusals,
      undrained,
      table: formatTable(rows),
      durationMs: Date.now() - started,
    };
    log(result.table);
    return result;
  } finally {
    await traffic.stop(1000).catch(() => undefined);
    await traffic.close();
    await d.close();
  }
}

/** Waits until every interaction the clients got accepted is ended in routing; returns how many are not. */
async function drain(databaseUrl: string, tenant: string, traffic: Traffic, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let open = Number.POSITIVE_INFINITY;
  while (Date.now() < deadline) {
    const db = new Client({ connectionString: databaseUrl });
    try {
      await db.connect();
      const { rows } = await db.query<{ id: string }>(`SELECT id FROM routing.interaction WHERE tenant=$1 AND status='ended'`, [tenant]);
      const ended = new Set(rows.map((r) => r.id));
      open = [...traffic.ledger.interactions].filter((id) => !ended.has(id)).length;
      if (open === 0 && traffic.pending === 0) return 0;
    } catch {
      // The database is coming back.
    } finally {
      await db.end().catch(() => undefined);
    }
    await pause(500);
  }
  return open;
}
