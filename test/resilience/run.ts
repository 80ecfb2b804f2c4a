/**
 * Runs a resilience profile and prints its result table:
 *   node -r @swc-node/register test/resilience/run.ts faults|faults-short|scale [--snapshot[=<ref>]]
 * The services run from this working tree; with --snapshot from an extract of a commit (default HEAD), so
 * that files being edited meanwhile do not change what is tested (CLUSTER_SOURCE_DIR names any other checkout).
 * Exits 1 when anything accepted was lost or duplicated, or a valid request was refused.
 * The result (table, timeline, counts) is also written to .local/resilience/<profile>.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, snapshotHead } from '@switchboard/cluster';
import { faultProfile, scaleProfile, shortFaultProfile } from './profiles';
import { runScenario, type ScenarioOptions } from './scenario';

const PROFILES: Record<string, () => ScenarioOptions> = { faults: faultProfile, 'faults-short': shortFaultProfile, scale: scaleProfile };

async function main(): Promise<number> {
  const name = process.argv[2] ?? 'faults';
  const profile = PROFILES[name];
  if (!profile) {
    console.error(`unknown profile "${name}"; one of ${Object.keys(PROFILES).join(', ')}`);
    return 2;
  }
  const log = (line: string) => console.log(line);
  const snapshot = process.argv.slice(3).find((a) => a.startsWith('--snapshot'));
  const sourceDir = snapshot ? snapshotHead(mkdtempSync(join(tmpdir(), 'switchboard-source-')), snapshot.split('=')[1] ?? 'HEAD') : undefined;
  if (sourceDir) log(`services run from ${snapshot} extracted into ${sourceDir}`);
  const options = profile();
  const result = await runScenario({ ...options, deployment: { ...options.deployment, ...(sourceDir ? { sourceDir } : {}) }, log }).finally(() => {
    if (sourceDir) rmSync(sourceDir, { recursive: true, force: true });
  });
  const dir = join(ROOT, '.local', 'resilience');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ profile: name, finishedAt: new Date().toISOString(), ...result }, null, 2));
  console.log(`\n${name}: ${result.clean ? 'nothing lost, nothing duplicated' : 'FAILED'} in ${(result.durationMs / 1000).toFixed(0)} s; ${result.retries} client retries`);
  if (result.undrained > 0) console.log(`${result.undrained} accepted interactions were never ended in routing`);
  for (const refusal of result.refusals.slice(0, 20)) console.log(`refused: ${refusal}`);
  console.log('timeline:');
  for (const t of result.timeline) console.log(`  ${(t.at / 1000).toFixed(1)} s  ${t.what} (${(t.ms / 1000).toFixed(1)} s)`);
  return result.clean ? 0 : 1;
}

// Ctrl-C or a kill: exit through process.exit so that the servers and services this run started are stopped too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
