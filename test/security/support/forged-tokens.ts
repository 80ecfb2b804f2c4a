import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { TEST_JWT_SECRET } from '@switchboard/testing';

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

function encode(header: Record<string, unknown>, payload: Record<string, unknown>, signature: (input: string) => string): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${signature(input)}`;
}

const hmac = (algorithm: 'sha256' | 'sha384' | 'sha512', secret: string) => (input: string) => createHmac(algorithm, secret).update(input).digest('base64url');

const now = () => Math.floor(Date.now() / 1000);

/** A correctly signed HS256 token with arbitrary claims (valid signature, possibly invalid claims). */
export function signedWith(payload: Record<string, unknown>, secret = TEST_JWT_SECRET): string {
  return encode({ alg: 'HS256', typ: 'JWT' }, { iat: now(), exp: now() + 3600, ...payload }, hmac('sha256', secret));
}

/** A way of presenting a token that must not authenticate: the Authorization header value, or none. */
export interface ForgedCredential {
  name: string;
  /** The full `Authorization` header, or undefined for none at all. */
  authorization: string | undefined;
  /** The problem code the services answer with. */
  code: string;
}

let rsaKey: { publicKey: string; privateKey: string } | undefined;

/**
 * Every credential a caller could forge for `claims` (a valid principal of some tenant): missing, malformed,
 * tampered, expired, `alg: none`, other algorithms, wrong secret, and validly signed tokens with invalid claims.
 */
export function forgedCredentials(claims: { tenant: string; role: string; sub?: string }): ForgedCredential[] {
  rsaKey ??= generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const privateKey = rsaKey.privateKey;
  const valid = signedWith(claims);
  const [header, , signature] = valid.split('.') as [string, string, string];
  const payload = { ...claims, iat: now(), exp: now() + 3600 };
  const bearer = (token: string) => `Bearer ${token}`;
  return [
    { name: 'no token', authorization: undefined, code: 'AUTH.TOKEN_MISSING' },
    { name: 'empty bearer', authorization: 'Bearer ', code: 'AUTH.TOKEN_MISSING' },
    { name: 'basic scheme', authorization: `Basic ${b64url('admin:admin')}`, code: 'AUTH.TOKEN_MISSING' },
    { name: 'token without scheme', authorization: valid, code: 'AUTH.TOKEN_MISSING' },
    { name: 'garbage', authorization: bearer('not.a.jwt'), code: 'AUTH.TOKEN_INVALID' },
    { name: 'two segments', authorization: bearer(valid.split('.').slice(0, 2).join('.')), code: 'AUTH.TOKEN_INVALID' },
    { name: 'tampered tenant', authorization: bearer(`${header}.${b64url(JSON.stringify({ ...payload, tenant: 'other-tenant' }))}.${signature}`), code: 'AUTH.TOKEN_INVALID' },
    { name: 'tampered role', authorization: bearer(`${header}.${b64url(JSON.stringify({ ...payload, role: 'admin' }))}.${signature}`), code: 'AUTH.TOKEN_INVALID' },
    { name: 'truncated signature', authorization: bearer(valid.slice(0, -4)), code: 'AUTH.TOKEN_INVALID' },
    { name: 'expired', authorization: bearer(signedWith({ ...claims, iat: now() - 7200, exp: now() - 3600 })), code: 'AUTH.TOKEN_EXPIRED' },
    { name: 'not yet valid (nbf)', authorization: bearer(signedWith({ ...claims, nbf: now() + 3600 })), code: 'AUTH.TOKEN_INVALID' },
    { name: 'alg none', authorization: bearer(encode({ alg: 'none', typ: 'JWT' }, payload, () => '')), code: 'AUTH.TOKEN_INVALID' },
    { name: 'alg None with signature', authorization: bearer(encode({ alg: 'None', typ: 'JWT' }, payload, hmac('sha256', TEST_JWT_SECRET))), code: 'AUTH.TOKEN_INVALID' },
    { name: 'HS384 with the right secret', authorization: bearer(encode({ alg: 'HS384', typ: 'JWT' }, payload, hmac('sha384', TEST_JWT_SECRET))), code: 'AUTH.TOKEN_INVALID' },
    { name: 'HS512 with the right secret', authorization: bearer(encode({ alg: 'HS512', typ: 'JWT' }, payload, hmac('sha512', TEST_JWT_SECRET))), code: 'AUTH.TOKEN_INVALID' },
    { name: 'RS256 (algorithm confusion)', authorization: bearer(encode({ alg: 'RS256', typ: 'JWT' }, payload, (input) => sign('sha256', Buffer.from(input), privateKey).toString('base64url'))), code: 'AUTH.TOKEN_INVALID' },
    { name: 'HS256 signed with the RSA public key', authorization: bearer(encode({ alg: 'HS256', typ: 'JWT' }, payload, hmac('sha256', rsaKey.publicKey))), code: 'AUTH.TOKEN_INVALID' },
    { name: 'wrong secret', authorization: bearer(signedWith(claims, 'another-secret-0123456789abcdef')), code: 'AUTH.TOKEN_INVALID' },
    { name: 'empty secret', authorization: bearer(encode({ alg: 'HS256', typ: 'JWT' }, payload, hmac('sha256', ''))), code: 'AUTH.TOKEN_INVALID' },
    { name: 'no tenant claim', authorization: bearer(signedWith({ role: claims.role, sub: claims.sub })), code: 'AUTH.CLAIMS_INVALID' },
    { name: 'unknown role', authorization: bearer(signedWith({ ...claims, role: 'root' })), code: 'AUTH.CLAIMS_INVALID' },
    { name: 'path-like tenant', authorization: bearer(signedWith({ ...claims, tenant: '../other' })), code: 'AUTH.CLAIMS_INVALID' },
    { name: 'agent without sub', authorization: bearer(signedWith({ tenant: claims.tenant, role: 'agent' })), code: 'AUTH.CLAIMS_INVALID' },
  ];
}
