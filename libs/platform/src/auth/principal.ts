import { z } from 'zod';
import { tenantIdSchema } from '@switchboard/contracts';
import { ForbiddenError } from '../errors/app-error';

export const ROLES = ['ingest', 'agent', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Claims a Switchboard token must carry. */
export const tokenClaimsSchema = z.object({
  tenant: tenantIdSchema,
  role: z.enum(ROLES),
  sub: z.string().min(1).max(128).optional(),
});
export type TokenClaims = z.infer<typeof tokenClaimsSchema>;

/** The authenticated caller: every read and write is scoped to its tenant. */
export class Principal {
  constructor(
    readonly tenant: string,
    readonly role: Role,
    readonly subject: string | undefined,
  ) {}

  static fromClaims(claims: TokenClaims): Principal {
    return new Principal(claims.tenant, claims.role, claims.sub);
  }

  hasRole(...roles: Role[]): boolean {
    return roles.includes(this.role);
  }

  /** Agents act only as themselves; supervisors and admins act for any agent of their tenant. */
  assertMayActAsAgent(agentId: string): void {
    if (this.role === 'supervisor' || this.role === 'admin') return;
    if (this.role === 'agent' && this.subject === agentId) return;
    throw new ForbiddenError(`A ${this.role} token may not act for agent ${agentId}.`, 'AUTH.NOT_THIS_AGENT');
  }

  /** Guards data addressed by tenant id (for example a tenant in a path). */
  assertTenant(tenant: string): void {
    if (tenant !== this.tenant) {
      throw new ForbiddenError('The token does not grant access to this tenant.', 'AUTH.TENANT_MISMATCH');
    }
  }
}
