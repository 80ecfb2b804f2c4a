/**
 * `npm audit` of the production dependencies and of everything: exits 1 on any high or critical advisory, and 2 with
 * a clear message when the registry's audit endpoint cannot be reached (an audit that did not run is not a pass).
 *
 *   node -r @swc-node/register test/security/npm-audit.ts
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

interface AuditJson {
  metadata?: { vulnerabilities?: Record<'info' | 'low' | 'moderate' | 'high' | 'critical' | 'total', number> };
  vulnerabilities?: Record<string, { severity: string; range: string; fixAvailable: unknown; via: unknown[] }>;
  error?: { code?: string; summary?: string; detail?: string };
  message?: string;
  statusCode?: number;
}

const ROOT = join(__dirname, '../..');

function audit(args: string[]): { scope: string; result: AuditJson; stderr: string } {
  const run = spawnSync('npm', ['audit', '--json', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  const scope = args.length > 0 ? args.join(' ') : 'all dependencies';
  const text = run.stdout.trim();
  try {
    return { scope, result: JSON.parse(text) as AuditJson, stderr: run.stderr };
  } catch {
    return { scope, result: { message: text || run.stderr || `npm audit exited with ${run.status}` }, stderr: run.stderr };
  }
}

function main(): number {
  let unreachable = false;
  let failing = false;
  for (const { scope, result, stderr } of [audit(['--omit=dev']), audit([])]) {
    const counts = result.metadata?.vulnerabilities;
    if (!counts) {
      unreachable = true;
      const why = result.message ?? result.error?.summary ?? stderr.split('\n').find((l) => l.includes('audit')) ?? 'no report';
      process.stderr.write(`npm audit (${scope}) did not run: the registry's audit endpoint could not be reached or refused the request: ${why}\n`);
      continue;
    }
    const serious = Object.entries(result.vulnerabilities ?? {}).filter(([, v]) => v.severity === 'high' || v.severity === 'critical');
    process.stdout.write(`npm audit (${scope}): ${counts.critical} critical, ${counts.high} high, ${counts.moderate} moderate, ${counts.low} low\n`);
    for (const [name, v] of serious) {
      process.stdout.write(`  ${v.severity} ${name} ${v.range} fix: ${JSON.stringify(v.fixAvailable)}\n`);
    }
    if (serious.length > 0) failing = true;
  }
  if (failing) return 1;
  if (unreachable) return 2;
  process.stdout.write('npm audit: no high or critical advisories\n');
  return 0;
}

process.exit(main());
