import 'reflect-metadata';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { TEST_DATABASE_URL } from '../libs/testing/src';
import type { BenchResult, Figure } from './harness';

type Suite = () => Promise<BenchResult>;

/**
 * Every benchmark suite, by name; each lives in `bench/<name>.bench.ts` and exports `run()`.
 * `npm run bench -- messaging` runs one; no argument runs all.
 */
const SUITE_NAMES = ['messaging', 'intake', 'routing', 'analytics', 'notify', 'e2e'] as const;
const SUITES: Record<string, () => Promise<Suite>> = Object.fromEntries(
  SUITE_NAMES.map((name) => [name, async () => ((await import(`./${name}.bench`)) as { run: Suite }).run]),
);

/** The machine a report was measured on: figures from a loaded machine are read with its load in mind. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  /** 1, 5 and 15 minute load averages when the run started and when it ended. */
  loadAverageStart: number[];
  loadAverageEnd: number[];
}

export interface BenchReport {
  at: string;
  machine: MachineInfo;
  results: BenchResult[];
}

async function main(): Promise<void> {
  const dir = join(__dirname, 'results');
  if (process.argv.includes('--render')) {
    // Re-renders summary.md from latest.json (after a change of format), without measuring anything.
    const report = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as BenchReport;
    writeFileSync(join(dir, 'summary.md'), markdown(report));
    process.stdout.write('wrote bench/results/summary.md from bench/results/latest.json\n');
    return;
  }
  const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = requested.length > 0 ? requested : Object.keys(SUITES);
  const unknown = names.filter((n) => !(n in SUITES));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${Object.keys(SUITES).join(', ')}\n`);
    process.exit(2);
  }
  const at = new Date().toISOString();
  const loadAverageStart = loadavg().map((v) => round2(v));
  const results: BenchResult[] = [];
  for (const name of names) {
    process.stdout.write(`\n▶ ${name}\n`);
    const load = SUITES[name];
    if (!load) continue;
    await settle();
    const start = process.hrtime.bigint();
    // One suite failing must not cost the figures of the others: its error is reported in the gaps.
    try {
      const result = await (await load())();
      result.seconds = seconds(start);
      for (const f of result.figures) process.stdout.write(`  ${line(f)}\n`);
      results.push(result);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`  ${name} failed: ${message}\n`);
      results.push({ suite: name, figures: [], error: firstLine(message), seconds: seconds(start) });
    }
  }
  const machine: MachineInfo = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: round2(totalmem() / 1024 ** 3),
    node: process.version,
    loadAverageStart,
    loadAverageEnd: loadavg().map((v) => round2(v)),
  };
  const report: BenchReport = { at, machine, results };
  mkdirSync(dir, { recursive: true });
  // Only a run of every suite replaces the committed report; a partial run stays local.
  const file = requested.length > 0 ? `partial-${names.join('-')}.json` : 'latest.json';
  writeFileSync(join(dir, file), `${JSON.stringify(report, null, 2)}\n`);
  const summaryFile = requested.length > 0 ? `partial-${names.join('-')}.md` : 'summary.md';
  writeFileSync(join(dir, summaryFile), markdown(report));
  process.stdout.write(`\nwrote bench/results/${file} and bench/results/${summaryFile}\n`);
  process.exit(results.some((r) => r.error) ? 1 : 0);
}

function line(f: Figure): string {
  const ceiling = f.ceiling ? ` | raw ${f.ceiling.name} ${num(f.ceiling.value)} | ratio ${f.ratio}` : '';
  const target = f.target ? ` | target ${targetText(f)} ${f.met ? 'met' : 'NOT met'}` : '';
  const extra = f.extra ? ` | ${Object.entries(f.extra).map(([k, v]) => `${k} ${v}`).join(', ')}` : '';
  const note = f.note ? ` | ${f.note}` : '';
  return `${f.name}: ${f.value} ${f.unit}${ceiling}${target}${extra}${note}`;
}

function targetText(f: Figure): string {
  if (!f.target) return '—';
  switch (f.target.kind) {
    case 'max':
      return `≤ ${f.target.value} ${f.unit}`;
    case 'min':
      return `≥ ${f.target.value} ${f.unit}`;
    case 'ratio-min':
      return `≥ ${f.target.value} × raw`;
  }
}

function verdict(f: Figure): string {
  if (!f.target) return '—';
  return f.met ? 'met' : '**not met**';
}

const cell = (value: string) => value.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The committed summary: every figure with its raw ceiling, ratio, target and verdict; the machine; the gaps. */
export function markdown(report: BenchReport): string {
  const { machine, results } = report;
  const rows = results.flatMap((r) =>
    r.figures.map((f) =>
      [
        r.suite,
        f.name,
        `${f.value} ${f.unit}`,
        f.ceiling ? `${num(f.ceiling.value)} (${f.ceiling.name})` : '—',
        f.ratio !== undefined ? String(f.ratio) : '—',
        targetText(f),
        verdict(f),
      ]
        .map(cell)
        .join(' | '),
    ),
  );
  const unmet = results.flatMap((r) => r.figures.filter((f) => f.target && !f.met).map((f) => ({ suite: r.suite, f })));
  const failed = results.filter((r) => r.error);
  const gaps = [
    ...unmet.map(({ suite, f }) => `- **${suite} / ${f.name}**: ${f.value} ${f.unit} against ${targetText(f)}${f.ratio !== undefined ? ` (ratio ${f.ratio})` : ''}. Cause: ${f.note ?? 'not reported by the suite.'}`),
    ...failed.map((r) => `- **${r.suite}**: the suite failed and measured nothing: ${r.error}`),
  ];
  const peakLoad = Math.max(machine.loadAverageStart[0] ?? 0, machine.loadAverageEnd[0] ?? 0);
  if (peakLoad > machine.cpus) {
    gaps.unshift(
      `- **Machine load**: the 1-minute load average reached ${peakLoad} on ${machine.cpus} cores (${round2(peakLoad / machine.cpus)} runnable threads per core), ` +
        'so the benchmark processes had a fraction of the CPU: absolute throughput and latency figures of this run are depressed by that ' +
        'and are not the services\' capacity; ratios against the same-run ceilings are affected less. Re-run on a quiet machine.',
    );
  }
  const met = results.reduce((n, r) => n + r.figures.filter((f) => f.target && f.met).length, 0);
  const targeted = results.reduce((n, r) => n + r.figures.filter((f) => f.target).length, 0);
  return [
    '# Benchmark summary',
    '',
    `Measured ${report.at} by \`npm run bench\` (every suite in one run). Each ratio is the figure divided by the raw ceiling`,
    'measured in the same run on the same machine (raw nats.js, Postgres, Redis, HTTP), so it stays comparable when the machine is loaded.',
    '',
    '## Machine',
    '',
    `- ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`,
    `- load average (1, 5, 15 min) at start: ${machine.loadAverageStart.join(', ')}; at end: ${machine.loadAverageEnd.join(', ')}`,
    `- suites: ${results.map((r) => `${r.suite} ${r.seconds ?? '?'} s`).join(', ')}`,
    '',
    '## Figures',
    '',
    `${met} of ${targeted} targets met.`,
    '',
    '| suite | figure | value | raw ceiling | ratio | target | verdict |',
    '|---|---|---:|---:|---:|---|---|',
    ...rows.map((r) => `| ${r} |`),
    '',
    '## Gaps',
    '',
    ...(gaps.length > 0 ? gaps : ['Every target was met.']),
    '',
  ].join('\n');
}

/** Large values as integers, small ones with three significant digits (0.417, not 0). */
function num(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : String(Number(value.toPrecision(3)));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function seconds(start: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - start) / 1e8) / 10;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}

/**
 * Before each suite, what the previous one left behind is cleared so that each measures itself: Postgres writes out
 * its dirty buffers now (a checkpoint falling inside the next suite stalls its commits), and this process collects its
 * garbage (the suites share it; `--expose-gc` in scripts/bench.sh).
 */
async function settle(): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  try {
    await client.connect();
    await client.query('CHECKPOINT');
  } catch (error) {
    process.stderr.write(`  (no checkpoint before the suite: ${error instanceof Error ? error.message : String(error)})\n`);
  } finally {
    await client.end().catch(() => undefined);
  }
  (globalThis as { gc?: () => void }).gc?.();
}
