import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Logger } from 'nestjs-pino';
import { Logger as NestLogger } from '@nestjs/common';
import type { Socket } from 'node:net';
import { ConfigValidationError, platformEnvSchema, type PlatformConfig } from '../config/platform-config';
import { rawProblemResponse } from '../errors/problem-details';
import { sendProblem } from '../errors/problem-details.filter';
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
    // Router-level failures (a path parameter over the length limit, a malformed URL) as problem+json.
    frameworkErrors: (error: Error, request: { url: string }, reply: unknown) =>
      sendProblem(reply as FastifyReply, error, request.url, frameworkLogger),
    // Failures of Node's HTTP parser, before a request exists, as problem+json too.
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) {
        socket.write(
          error.code === 'HPE_HEADER_OVERFLOW'
            ? rawProblemResponse(431, 'The request headers are larger than the server accepts.')
            : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
              ? rawProblemResponse(408, 'The request was not received in time.')
              : rawProblemResponse(400, 'The request could not be parsed as HTTP.'),
        );
      }
      socket.destroy(error);
    },
  });
}

const frameworkLogger = new NestLogger('HTTP');

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
