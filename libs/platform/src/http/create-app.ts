import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import { ConfigValidationError, platformEnvSchema, type PlatformConfig } from '../config/platform-config';
import { PLATFORM_CONFIG } from '../config/tokens';
import { MetricsRegistry } from '../metrics/metrics.registry';

export interface ServiceDescription {
  title: string;
  description: string;
  version?: string;
  /** The service's default request body limit when BODY_LIMIT_BYTES is not set (1 MiB if omitted). */
  defaultBodyLimitBytes?: number;
}

/** The Fastify adapter every service uses; body limit from BODY_LIMIT_BYTES, else the service's default. */
export function createHttpAdapter(
  env: Record<string, string | undefined> = process.env,
  defaultBodyLimitBytes = 1024 * 1024,
): FastifyAdapter {
  const raw = env['BODY_LIMIT_BYTES'];
  const parsed = platformEnvSchema.shape.BODY_LIMIT_BYTES.safeParse(raw || undefined);
  return new FastifyAdapter({
    bodyLimit: raw && parsed.success ? parsed.data : defaultBodyLimitBytes,
    trustProxy: true,
    logger: false,
    return503OnClosing: true,
  });
}

/**
 * Wires the platform into a created (not yet listening) app: logger, `+json` media types,
 * problem+json for Fastify-level failures, request metrics, OpenAPI at /docs, shutdown hooks.
 */
export function configureApp(app: NestFastifyApplication, description: ServiceDescription): void {
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;

  // CloudEvents and other structured-syntax JSON media types parse like JSON.
  fastify.addContentTypeParser(/^application\/[\w.-]+\+json$/i, { parseAs: 'string' }, fastify.getDefaultJsonParser('error', 'error'));
  // Unknown routes and Fastify-level failures (body parsing, limits, media types) reach Nest's own
  // not-found and error handlers, which go through the ProblemDetailsFilter.

  const metrics = app.get(MetricsRegistry);
  const duration = metrics.histogram('sb_http_request_duration_seconds', 'HTTP request duration', ['method', 'route', 'status']);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });

  const config = app.get<PlatformConfig>(PLATFORM_CONFIG);
  const document = SwaggerModule.createDocument(
    app as unknown as INestApplication,
    new DocumentBuilder()
      .setTitle(description.title)
      .setDescription(description.description)
      .setVersion(description.version ?? '1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .addSecurityRequirements('bearer')
      .build(),
  );
  SwaggerModule.setup('docs', app as unknown as INestApplication, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    customSiteTitle: `${config.service} API`,
  });
}

/** Creates, configures and starts a service from its root module; exits with a clear message on bad config. */
export async function bootstrapService(rootModule: Type, description: ServiceDescription): Promise<NestFastifyApplication> {
  try {
    const app = await NestFactory.create<NestFastifyApplication>(rootModule, createHttpAdapter(process.env, description.defaultBodyLimitBytes), {
      bufferLogs: true,
      abortOnError: false,
    });
    configureApp(app, description);
    const config = app.get<PlatformConfig>(PLATFORM_CONFIG);
    await app.listen(config.http.port, config.http.host);
    app.get(Logger).log(`${config.service} listening on http://${config.http.host}:${config.http.port}`, 'Bootstrap');
    return app;
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
