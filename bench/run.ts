import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult, Figure } from './harness';

type Suite = () => Promise<BenchResult>;

/**
 * Every benchmark suite, by name; each lives in `bench/<name>.bench.ts` and exports `run()`.
 * `npm run bench -- messaging` runs one; no argument runs all.
 */
const SUITE_NAMES = ['messaging', 'intake', 'routing', 'analytics', 'notify'] as const;
const SUITES: Record<string, () => Promise<Suite>> = Object.fromEntries(
  SUITE_NAMES.map((name) => [name, async () => ((await import(`./${name}.bench`)) as { run: Suite }).run]),
);

async function main(): Promise<void> {
  const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = requested.length > 0 ? requested : Object.keys(SUITES);
  const unknown = names.filter((n) => !(n in SUITES));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${Object.keys(SUITES).join(', ')}\n`);
    process.exit(2);
  }
  const results: BenchResult[] = [];
  for (const name of names) {
    process.stdout.write(`\n▶ ${name}\n`);
    const load = SUITES[name];
    if (!load) continue;
    const result = await (await load())();
    for (const f of result.figures) process.stdout.write(`  ${line(f)}\n`);
    results.push(result);
  }
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const report = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, at: new Date().toISOString(), results };
  const file = requested.length > 0 ? `partial-${names.join('-')}.json` : 'latest.json';
  writeFileSync(join(dir, file), `${JSON.stringify(report, null, 2)}\n`);
  if (requested.length === 0) writeFileSync(join(dir, 'summary.md'), markdown(report.at, results));
  process.stdout.write(`\nwrote bench/results/${file}\n`);
  process.exit(0);
}

function line(f: Figure): string {
  const ceiling = f.ceiling ? ` | raw ${f.ceiling.name} ${f.ceiling.value.toFixed(0)} | ratio ${f.ratio}` : '';
  const target = f.target ? ` | target ${f.target.kind} ${f.target.value} ${f.met ? 'met' : 'NOT met'}` : '';
  const extra = f.extra ? ` | ${Object.entries(f.extra).map(([k, v]) => `${k} ${v}`).join(', ')}` : '';
  return `${f.name}: ${f.value} ${f.unit}${ceiling}${target}${extra}`;
}

function markdown(at: string, results: BenchResult[]): string {
  const rows = results.flatMap((r) =>
    r.figures.map(
      (f) =>
        `| ${r.suite} | ${f.name} | ${f.value} ${f.unit} | ${f.ceiling ? `${f.ceiling.value.toFixed(0)} (${f.ceiling.name})` : '—'} | ${f.ratio ?? '—'} | ${
          f.target ? `${f.target.kind === 'max' ? '≤' : '≥'} ${f.target.value}${f.target.kind === 'ratio-min' ? ' ×raw' : ''} ${f.met ? '✅' : '❌'}` : '—'
        } |`,
    ),
  );
  return [
    '# Benchmark summary',
    '',
    `Measured ${at} on this machine; every ratio is against the raw ceiling measured in the same run.`,
    '',
    '| suite | figure | value | raw ceiling | ratio | target |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
