import { signToken, type Role } from '@switchboard/platform';

/** The development secret the services use when JWT_SECRET is not set. */
export const DEVELOPMENT_JWT_SECRET = 'switchboard-dev-secret-change-me';

/** Bearer tokens for one tenant, signed with the services' JWT secret; agent tokens are cached per agent. */
export class TokenIssuer {
  private readonly cache = new Map<string, string>();

  constructor(
    readonly tenant: string,
    private readonly secret: string,
    private readonly expiresIn: string | number = '12h',
  ) {}

  private token(role: Role, sub: string): string {
    const key = `${role}:${sub}`;
    let token = this.cache.get(key);
    if (!token) {
      token = signToken({ tenant: this.tenant, role, sub }, this.secret, this.expiresIn);
      this.cache.set(key, token);
    }
    return token;
  }

  admin(): string {
    return this.token('admin', 'simulator-admin');
  }

  ingest(): string {
    return this.token('ingest', 'simulator-telephony');
  }

  supervisor(sub = 'simulator-supervisor'): string {
    return this.token('supervisor', sub);
  }

  agent(agentId: string): string {
    return this.token('agent', agentId);
  }
}
