import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createHttpAdapter, ENVIRONMENT, signToken } from '@switchboard/platform';
import { TEST_JWT_SECRET, type TestApp, type TestNamespace } from '@switchboard/testing';
import { AppModule } from '../src/app.module';

/**
 * Boots the analytics app against a test namespace like `startTestApp`, without `configureApp` (its not-found handler
 * collides with Nest's own at listen, and its OpenAPI UI needs an ES-module-only package jest cannot load). Guards,
 * problem+json filter, consumers and outbox come from the modules and are all real.
 */
export async function startAnalyticsApp(namespace: TestNamespace, env: Record<string, string> = {}): Promise<TestApp> {
  const environment = { ...namespace.env(), ...env };
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(ENVIRONMENT)
    .useValue(environment)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(environment), { bufferLogs: true });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    token: (claims, expiresIn) => signToken(claims, environment['JWT_SECRET'] ?? TEST_JWT_SECRET, expiresIn),
    close: () => app.close(),
  };
}
