// Prints a Switchboard bearer token (HS256 JWT) for local use:
//   npm run token -- --tenant acme --role supervisor [--sub agent-7] [--expires 8h] [--secret ...]
import { parseArgs } from 'node:util';

const ROLES = ['ingest', 'agent', 'supervisor', 'admin'] as const;
type Role = (typeof ROLES)[number];
const TENANT_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
const EXPIRES_PATTERN = /^[1-9][0-9]*(s|m|h|d|w|y)?$/;
const DEFAULT_SECRET = 'switchboard-dev-secret-change-me';

const USAGE = `Usage: npm run token -- --tenant <tenant> --role <${ROLES.join('|')}> [--sub <subject>] [--expires <8h>] [--secret <secret>]

  --tenant   tenant id: lower-case letters, digits and '-', at most 40, starting with a letter or digit
  --role     ${ROLES.join(', ')}
  --sub      subject (the agent id; required for --role agent)
  --expires  lifetime: seconds, or a number with s, m, h, d, w or y (default 8h)
  --secret   HS256 secret (default: JWT_SECRET, else the development secret)`;

class UsageError extends Error {}

interface TokenRequest {
  claims: { tenant: string; role: Role; sub?: string };
  expiresIn: string | number;
  secret: string;
}

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

function parse(argv: string[]): TokenRequest | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        tenant: { type: 'string' },
        role: { type: 'string' },
        sub: { type: 'string' },
        expires: { type: 'string', default: '8h' },
        secret: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';

  const { tenant, role, sub, expires } = values;
  if (!tenant) throw new UsageError('--tenant is required');
  if (!TENANT_PATTERN.test(tenant)) throw new UsageError(`--tenant "${tenant}" must match ${TENANT_PATTERN}`);
  if (!role) throw new UsageError('--role is required');
  if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')} (got "${role}")`);
  if (role === 'agent' && !sub) throw new UsageError('--role agent needs --sub <agent id>');
  if (sub !== undefined && (sub.length === 0 || sub.length > 128)) throw new UsageError('--sub must be 1 to 128 characters');
  if (!EXPIRES_PATTERN.test(expires)) throw new UsageError(`--expires "${expires}" must be seconds or a number with s, m, h, d, w or y`);
  const secret = values.secret ?? (process.env.JWT_SECRET || DEFAULT_SECRET);
  if (secret.length < 16) throw new UsageError('the secret must be at least 16 characters');

  return {
    claims: { tenant, role, ...(sub ? { sub } : {}) },
    expiresIn: /^[0-9]+$/.test(expires) ? Number(expires) : expires,
    secret,
  };
}

async function main(): Promise<void> {
  let request: TokenRequest | 'help';
  try {
    request = parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`token: ${error.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (request === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // Loaded only once the arguments are valid: the platform pulls in NestJS.
  const { signToken } = await import('@switchboard/platform');
  process.stdout.write(`${signToken(request.claims, request.secret, request.expiresIn)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
