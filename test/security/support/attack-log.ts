import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where each security spec leaves the number of attack cases it tried, per endpoint and category. */
export const ATTACK_LOG_DIR = join(__dirname, '../../../test-artifacts/security');

/** Counts attack cases per endpoint (`intake POST /v1/events`) and category (`jwt`, `fuzz`, …). */
export class AttackLog {
  private readonly counts = new Map<string, Map<string, number>>();

  constructor(private readonly spec: string) {}

  add(endpoint: string, category: string, n = 1): void {
    const row = this.counts.get(endpoint) ?? new Map<string, number>();
    row.set(category, (row.get(category) ?? 0) + n);
    this.counts.set(endpoint, row);
  }

  total(): number {
    let sum = 0;
    for (const row of this.counts.values()) for (const n of row.values()) sum += n;
    return sum;
  }

  /** Writes this spec's counts and prints the table of every spec written so far. */
  write(): string {
    mkdirSync(ATTACK_LOG_DIR, { recursive: true });
    const data = Object.fromEntries([...this.counts].map(([endpoint, row]) => [endpoint, Object.fromEntries(row)]));
    writeFileSync(join(ATTACK_LOG_DIR, `${this.spec}.json`), `${JSON.stringify(data, null, 2)}\n`);
    return attackTable();
  }
}

/** A markdown table of the attack cases of every spec that wrote its counts. */
export function attackTable(dir = ATTACK_LOG_DIR): string {
  const merged = new Map<string, Map<string, number>>();
  const categories = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const data = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, Record<string, number>>;
    for (const [endpoint, row] of Object.entries(data)) {
      const target = merged.get(endpoint) ?? new Map<string, number>();
      for (const [category, n] of Object.entries(row)) {
        categories.add(category);
        target.set(category, (target.get(category) ?? 0) + n);
      }
      merged.set(endpoint, target);
    }
  }
  const cols = [...categories].sort();
  const lines = [`| endpoint | ${cols.join(' | ')} | total |`, `|---|${cols.map(() => '---:').join('|')}|---:|`];
  let grand = 0;
  for (const endpoint of [...merged.keys()].sort()) {
    const row = merged.get(endpoint)!;
    const total = [...row.values()].reduce((a, b) => a + b, 0);
    grand += total;
    lines.push(`| ${endpoint} | ${cols.map((c) => row.get(c) ?? 0).join(' | ')} | ${total} |`);
  }
  lines.push(`| **all** | ${cols.map((c) => [...merged.values()].reduce((a, r) => a + (r.get(c) ?? 0), 0)).join(' | ')} | ${grand} |`);
  return lines.join('\n');
}
