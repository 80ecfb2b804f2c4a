/**
 * Prints the role matrix the security suite enforces and the attack cases its last run tried per endpoint, as the
 * markdown tables of docs/security.md:
 *
 *   node -r @swc-node/register test/security/report.ts
 */
import { existsSync } from 'node:fs';
import { ROLES } from '@switchboard/platform';
import { ATTACK_LOG_DIR, attackTable } from './support/attack-log';
import { ENDPOINTS, type Outcome } from './support/world';

const SYMBOL: Record<Outcome, string> = { ok: '2xx', forbidden: '403', hidden: '404' };

function roleMatrix(): string {
  const lines = [`| endpoint | no token | ${ROLES.join(' | ')} | another agent's id |`, `|---|---|${ROLES.map(() => '---').join('|')}|---|`];
  for (const [endpoint, spec] of Object.entries(ENDPOINTS).sort(([a], [b]) => a.localeCompare(b))) {
    const anonymous = spec.public && !spec.authenticates ? (endpoint.includes('twilio') ? 'signature' : '2xx') : '401';
    lines.push(`| ${endpoint} | ${anonymous} | ${ROLES.map((r) => SYMBOL[spec.roles[r]]).join(' | ')} | ${spec.agentScoped ? '403' : '—'} |`);
  }
  return lines.join('\n');
}

process.stdout.write(`## Role matrix\n\n${roleMatrix()}\n\n`);
if (existsSync(ATTACK_LOG_DIR)) process.stdout.write(`## Attack cases per endpoint\n\n${attackTable()}\n`);
