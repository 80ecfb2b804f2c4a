import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// scripts/token.ts as developers run it (npm run token -- ...): a separate process, exit codes and all.
const ROOT = join(__dirname, '..', '..');
const SECRET = 'token-spec-secret-0123456789';

function token(...args: string[]) {
  const result = spawnSync(process.execPath, ['-r', '@swc-node/register', 'scripts/token.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, JWT_SECRET: SECRET },
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

function payload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('npm run token', () => {
  jest.setTimeout(60_000);

  it.each([
    [[], '--tenant is required'],
    [['--tenant', 'acme'], '--role is required'],
    [['--tenant', 'Acme', '--role', 'supervisor'], '--tenant "Acme" must match'],
    [['--tenant=-acme', '--role', 'supervisor'], 'must match'],
    [['--tenant', 'a'.repeat(41), '--role', 'supervisor'], 'must match'],
    [['--tenant', 'acme', '--role', 'boss'], '--role must be one of'],
    [['--tenant', 'acme', '--role', 'agent'], '--role agent needs --sub'],
    [['--tenant', 'acme', '--role', 'admin', '--expires', 'soon'], '--expires "soon"'],
    [['--tenant', 'acme', '--role', 'admin', '--secret', 'short'], 'at least 16 characters'],
    [['--tenant', 'acme', '--role', 'admin', '--colour', 'blue'], "Unknown option '--colour'"],
  ])('rejects %j with exit 2', (args, message) => {
    const result = token(...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage: npm run token');
  });

  it('prints usage with --help', () => {
    const result = token('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--tenant');
  });

  it('prints an HS256 token with the requested claims and lifetime', () => {
    const before = Math.floor(Date.now() / 1000);
    const result = token('--tenant', 'acme', '--role', 'agent', '--sub', 'agent-7', '--expires', '2h');
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const header = JSON.parse(Buffer.from(result.stdout.split('.')[0], 'base64url').toString('utf8')) as { alg: string };
    expect(header.alg).toBe('HS256');
    const claims = payload(result.stdout);
    expect(claims).toMatchObject({ tenant: 'acme', role: 'agent', sub: 'agent-7' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(2 * 3600);
    expect(Number(claims.iat)).toBeGreaterThanOrEqual(before - 1);
  });

  it('signs with JWT_SECRET by default and --secret when given', () => {
    const fromEnv = token('--tenant', 'acme', '--role', 'supervisor');
    const fromFlag = token('--tenant', 'acme', '--role', 'supervisor', '--secret', 'another-secret-0123456789');
    expect(fromEnv.status).toBe(0);
    expect(fromFlag.status).toBe(0);
    expect(fromEnv.stdout.split('.')[2]).not.toBe(fromFlag.stdout.split('.')[2]);
  });
});
