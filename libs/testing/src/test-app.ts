import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { configureApp, createHttpAdapter, ENVIRONMENT, signToken, type Role, type ServiceDescription } from '@switchboard/platform';
import { TEST_JWT_SECRET, type TestNamespace } from './isolation';

export interface TestApp {
  app: NestFastifyApplication;
  /** Base URL of the listening app, e.g. http://127.0.0.1:40123 */
  url: string;
  /** A bearer token signed with the test secret. */
  token(claims: { tenant: string; role: Role; sub?: string }, expiresIn?: string | number): string;
  close(): Promise<void>;
}

/**
 * Boots a service's root module against a test namespace (its own schema, streams and keys) on a free
 * port, exactly as production wires it, with the environment given instead of process.env.
 */
export async function startTestApp(
  rootModule: Type,
  namespace: TestNamespace,
  options: { env?: Record<string, string>; description?: ServiceDescription } = {},
): Promise<TestApp> {
  const env = { ...namespace.env(), ...options.env };
  const moduleRef = await Test.createTestingModule({ imports: [rootModule] })
    .overrideProvider(ENVIRONMENT)
    .useValue(env)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(env, options.description?.defaultBodyLimitBytes), { bufferLogs: true });
  configureApp(app, options.description ?? { title: 'test', description: 'test app' });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    token: (claims, expiresIn) => signToken(claims, env['JWT_SECRET'] ?? TEST_JWT_SECRET, expiresIn),
    close: () => app.close(),
  };
}

/** A bearer token signed with the test secret. */
export function testToken(claims: { tenant: string; role: Role; sub?: string }, expiresIn?: string | number): string {
  return signToken(claims, TEST_JWT_SECRET, expiresIn);
}
