import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createSecretKey } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { PLATFORM_CONFIG } from '../config/tokens';
import type { PlatformConfig } from '../config/platform-config';
import { ForbiddenError, UnauthorizedError } from '../errors/app-error';
import { RequestContext } from '../context/request-context';
import { IS_PUBLIC, REQUIRED_ROLES } from './auth.decorators';
import { Principal, type Role, tokenClaimsSchema } from './principal';

/**
 * Global guard: every route needs an HS256 bearer token with valid `tenant`, `role` and `sub` claims,
 * unless marked @Public(). @Roles() narrows who may call.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly jwt: JwtService;
  /**
   * Tokens verified lately and their principal, until the token expires (at most VERIFIED_TTL_MS): a
   * client sends the same token with every request, and verifying it (base64, two JSON parses, HMAC,
   * claims) costs more than many routes' own work. Keyed by the whole token, so a changed byte misses.
   */
  private readonly verified = new Map<string, { principal: Principal; untilMs: number }>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    // A KeyObject made once: given a string, jsonwebtoken derives a new key object on every verification,
    // which costs ~50x the HMAC itself.
    const key = createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8'));
    this.jwt = new JwtService({ secret: key as unknown as string, verifyOptions: { algorithms: ['HS256'] } });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const principal = await this.authenticate(bearerToken(request.headers['authorization']));
    request.principal = principal;
    RequestContext.assign({ tenantId: principal.tenant });
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles && !principal.hasRole(...roles)) {
      throw new ForbiddenError(`This operation needs one of the roles: ${roles.join(', ')}.`, 'AUTH.ROLE_REQUIRED');
    }
    return true;
  }

  /** Verifies a raw token (also used by WebSocket handshakes). */
  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw new UnauthorizedError('A bearer token is required.', 'AUTH.TOKEN_MISSING');
    const known = this.verified.get(token);
    if (known) {
      if (Date.now() < known.untilMs) return known.principal;
      this.verified.delete(token);
    }
    let payload: unknown;
    try {
      payload = await this.jwt.verifyAsync(token);
    } catch (error) {
      const expired = error instanceof Error && error.name === 'TokenExpiredError';
      throw new UnauthorizedError(
        expired ? 'The token has expired.' : 'The token is invalid.',
        expired ? 'AUTH.TOKEN_EXPIRED' : 'AUTH.TOKEN_INVALID',
      );
    }
    const claims = tokenClaimsSchema.safeParse(payload);
    if (!claims.success) {
      throw new UnauthorizedError(
        `The token's claims are invalid: ${claims.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
        'AUTH.CLAIMS_INVALID',
      );
    }
    if (claims.data.role === 'agent' && !claims.data.sub) {
      throw new UnauthorizedError('An agent token must name the agent in `sub`.', 'AUTH.CLAIMS_INVALID');
    }
    const principal = Principal.fromClaims(claims.data);
    this.remember(token, principal, (payload as { exp?: unknown }).exp);
    return principal;
  }

  private remember(token: string, principal: Principal, exp: unknown): void {
    const now = Date.now();
    const untilMs = Math.min(now + VERIFIED_TTL_MS, typeof exp === 'number' ? exp * 1000 : Number.POSITIVE_INFINITY);
    if (untilMs <= now) return;
    if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
    this.verified.set(token, { principal, untilMs });
  }
}

/** How long a verified token is remembered at most, and how many are. */
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 10_000;

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
