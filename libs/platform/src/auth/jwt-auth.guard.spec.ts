import { Reflector } from '@nestjs/core';
import type { PlatformConfig } from '../config/platform-config';
import { JwtAuthGuard } from './jwt-auth.guard';
import { signToken } from './sign-token';

const SECRET = 'guard-spec-secret-0123456789abcdef';

describe('JwtAuthGuard.authenticate', () => {
  const guard = new JwtAuthGuard(new Reflector(), { auth: { jwtSecret: SECRET } } as PlatformConfig);

  afterEach(() => jest.useRealTimers());

  it('remembers a verified token only until it expires', async () => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const token = signToken({ tenant: 'acme', role: 'ingest' }, SECRET, 30);
    await expect(guard.authenticate(token)).resolves.toMatchObject({ tenant: 'acme', role: 'ingest' });
    await expect(guard.authenticate(token)).resolves.toMatchObject({ tenant: 'acme' });
    jest.setSystemTime(new Date('2026-01-01T00:00:31Z'));
    await expect(guard.authenticate(token)).rejects.toMatchObject({ code: 'AUTH.TOKEN_EXPIRED' });
  });

  it('refuses a tampered copy of a remembered token', async () => {
    const token = signToken({ tenant: 'acme', role: 'admin' }, SECRET);
    await expect(guard.authenticate(token)).resolves.toMatchObject({ role: 'admin' });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const forged = `${header}.${Buffer.from(JSON.stringify({ tenant: 'acme', role: 'admin', exp: 4102444800 })).toString('base64url')}.${signature}`;
    await expect(guard.authenticate(forged)).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    const resigned = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(guard.authenticate(resigned)).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    await expect(guard.authenticate(signToken({ tenant: 'acme', role: 'admin' }, 'another-secret-0123456789abcdef'))).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
  });
});
