import { JwtService } from '@nestjs/jwt';
import { type TokenClaims, tokenClaimsSchema } from './principal';

/** Signs an HS256 token with Switchboard's claims (for local use, tools and tests). */
export function signToken(claims: TokenClaims, secret: string, expiresIn: string | number = '8h'): string {
  const valid = tokenClaimsSchema.parse(claims);
  return new JwtService({ secret }).sign(valid, { algorithm: 'HS256', expiresIn: expiresIn as never });
}
