import { readdirSync, readFileSync } from 'node:fs';

/** One measured figure: ours, the raw ceiling measured in the same run, and their ratio. */
export interface Figure {
  name: string;
  unit: string;
  value: number;
  /** The raw client/server rate measured in the same run, when the figure is compared with one. */
  ceiling?: { name: string; value: number };
  ratio?: number;
  /** The target from the issues, when there is one (as a ratio or an absolute value, see `targetKind`). */
  target?: { kind: 'ratio-min' | 'min' | 'max'; value: number };
  met?: boolean;
  extra?: Record<string, number | string>;
  /**
   * Why the figure is what it is, in a sentence: for a target not met, the measured cause (a profile's top frames,
   * the contended resource, the load on the machine). Printed in the summary's gaps.
   */
  note?: string;
}

export interface BenchResult {
  suite: string;
  figures: Figure[];
  /** Set by the runner when the suite threw instead of returning figures. */
  error?: string;
  /** Wall-clock seconds the suite took (set by the runner). */
  seconds?: number;
}

export function figure(input: Omit<Figure, 'ratio' | 'met'>): Figure {
  const ratio = input.ceiling ? round(input.value / input.ceiling.value, 3) : undefined;
  let met: boolean | undefined;
  if (input.target) {
    const measured = input.target.kind === 'ratio-min' ? (ratio ?? 0) : input.value;
    met = input.target.kind === 'max' ? measured <= input.target.value : measured >= input.target.value;
  }
  return { ...input, value: round(input.value, 2), ratio, met };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Rate in operations per second of `count` operations that took `ms`. */
export function rate(count: number, ms: number): number {
  return (count * 1000) / ms;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

export const SERVERS = { nats: 'nats-server', postgres: 'postgres', redis: 'redis-server' } as const;
export type Server = keyof typeof SERVERS;

/** CPU time (ms) a process has used so far from its `/proc/<pid>/stat` (NaN when it cannot be read). */
export function processCpuMs(pid: number): number {
  try {
    return cpuMsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return Number.NaN;
  }
}

/** User + system time of a `/proc/<pid>/stat` line, in ms (10 ms clock ticks). */
function cpuMsOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * CPU time (ms) used so far by each process of the local NATS, PostgreSQL (every backend) and Redis servers, keyed
 * `<server> <pid>` (Linux `/proc`; empty elsewhere). They serve whatever else runs on the machine too: on a quiet
 * machine the difference of two snapshots is the suite's cost.
 */
export function serverCpuMs(): Map<string, number> {
  const out = new Map<string, number>();
  const names = Object.entries(SERVERS) as [Server, string][];
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((pid) => /^\d+$/.test(pid));
  } catch {
    return out;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const server = names.find(([, name]) => name === comm)?.[0];
    if (!server) continue;
    out.set(`${server} ${pid}`, cpuMsOfStat(stat));
  }
  return out;
}

/** CPU ms of each server between two snapshots: processes alive at the end (one started meanwhile counts whole). */
export function serverCpuDelta(before: Map<string, number>, after: Map<string, number>): Record<Server, number> {
  if (after.size === 0) return { nats: Number.NaN, postgres: Number.NaN, redis: Number.NaN };
  const out: Record<Server, number> = { nats: 0, postgres: 0, redis: 0 };
  for (const [key, ms] of after) {
    const server = key.slice(0, key.indexOf(' ')) as Server;
    out[server] += ms - (before.get(key) ?? 0);
  }
  return out;
}
