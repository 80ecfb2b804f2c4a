import { HttpException, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef, Reflector } from '@nestjs/core';
import {
  childTraceparent,
  errorMessage,
  ForbiddenError,
  JwtAuthGuard,
  MetricsRegistry,
  PROBLEM_CONTENT_TYPE,
  REQUIRED_ROLES,
  RequestContext,
  sendProblem,
  toProblem,
  type Principal,
  type Role,
} from '@switchboard/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorCodes } from 'fastify';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from 'node:http';
import { parse as secureJsonParse } from 'secure-json-parse';
import type { Histogram } from 'prom-client';
import { parseJsonBody } from '../http/json-body';
import type { IngestResult } from '../ingestion/ingest-events.use-case';
import { bodyMode } from './event-batch';
import { EventsController } from './events.controller';

const ROUTE = { method: 'POST', url: '/v1/events' } as const;
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/** Fastify adds the charset to the media type of a string payload. */
const PROBLEM_CONTENT_TYPE_UTF8 = `${PROBLEM_CONTENT_TYPE}; charset=utf-8`;
const DIGITS = /^\d+$/;

/**
 * `POST /v1/events` is the hot path of the whole platform (every telephony event passes here), and the
 * generic per-request machinery around it (Nest's guard, interceptors and middleware, Fastify's hooks,
 * routing, body parser and reply pipeline) costs more than the ingestion itself. The route keeps its
 * Nest declaration (roles, OpenAPI); its requests take one of two lanes to the same steps, in the same
 * order: body parsed (media type, limit, JSON), the platform's `JwtAuthGuard.authenticate` and the
 * route's `@Roles`, the request context and `traceparent` echo of the platform's interceptor,
 * `EventsController.post`, `202` with the result, problem+json for every failure (`toProblem`).
 *
 * - The **direct lane** answers plain requests (`POST /v1/events`, an accepted media type, a
 *   `Content-Length` within the body limit, no transfer or content encoding) from the HTTP server's own
 *   `request` event, before Fastify sees them, and records them in the same request metrics.
 * - **Everything else** (chunked bodies, oversized or unusual requests, requests while the app closes)
 *   goes to Fastify, whose handler for the route is bound to the same steps; Fastify answers the
 *   framework failures (413, 415, 503 while closing) exactly as for every other route.
 */
@Injectable()
export class IngestRouteBinding implements BeforeApplicationShutdown {
  private readonly logger = new Logger('HTTP');
  private readonly roles: readonly Role[];
  private guard!: JwtAuthGuard;
  private controller!: EventsController;
  private bodyLimit = 0;
  private closing = false;
  /** sb_http_request_duration_seconds of this route, by status (label children bound once). */
  private readonly durations = new Map<number, Histogram.Internal<string>>();
  private duration!: Histogram<'method' | 'route' | 'status'>;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly metrics: MetricsRegistry,
    reflector: Reflector,
  ) {
    this.roles = reflector.get<Role[] | undefined>(REQUIRED_ROLES, EventsController.prototype.post) ?? [];
  }

  /** Must run before Nest registers its routes (from a module's `configure`). */
  install(): void {
    // The platform's global guard and this module's controller, as Nest made them.
    this.guard = this.moduleRef.get(JwtAuthGuard, { strict: false });
    this.controller = this.moduleRef.get(EventsController);
    // The platform's request metric (configureApp registers it; the same definition either way).
    this.duration = this.metrics.histogram('sb_http_request_duration_seconds', 'HTTP request duration', ['method', 'route', 'status']);
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    this.bodyLimit = fastify.initialConfig.bodyLimit ?? 1024 * 1024;
    fastify.addHook('onRoute', (route) => {
      if (route.method === ROUTE.method && route.url === ROUTE.url) route.handler = (request, reply) => this.handleFastify(request, reply);
    });
    const server = fastify.server;
    const fastifyListeners = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (this.directLane(req, res)) return;
      for (const listener of fastifyListeners) listener.call(server, req, res);
    });
  }

  beforeApplicationShutdown(): void {
    // From now on Fastify answers (503 while it closes).
    this.closing = true;
  }

  /** The route's handler when Fastify parsed the request. */
  private async handleFastify(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    let traceparent: string | undefined;
    try {
      const principal = await this.authorize(request.headers);
      (request as FastifyRequest & { principal?: Principal }).principal = principal;
      traceparent = this.traceparent(request.headers);
      void reply.header('traceparent', traceparent);
      void reply.code(202).send(await this.ingest(request.body, request.headers, principal, traceparent));
    } catch (error) {
      sendProblem(reply, error, request.url, this.logger);
    }
  }

  /** Takes the request when it is a plain one (see the class); false leaves it to Fastify. */
  private directLane(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== ROUTE.method || req.url !== ROUTE.url || this.closing) return false;
    const headers = req.headers;
    const length = headers['content-length'];
    if (length === undefined || headers['transfer-encoding'] !== undefined || headers['content-encoding'] !== undefined) return false;
    if (!DIGITS.test(length) || Number(length) > this.bodyLimit) return false;
    const contentType = headers['content-type'];
    if (bodyMode(contentType) === undefined) return false;
    const started = performance.now();
    const expected = Number(length);
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      let body: unknown;
      try {
        if (received !== expected) throw fastifyError(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
        const text = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
        body = parseBody(text, contentType);
      } catch (error) {
        this.answerProblem(res, error, started, undefined);
        return;
      }
      this.handleDirect(headers, body, res, started).catch((error: unknown) => this.answerProblem(res, error, started, undefined));
    });
    return true;
  }

  private async handleDirect(headers: IncomingHttpHeaders, body: unknown, res: ServerResponse, started: number): Promise<void> {
    let traceparent: string | undefined;
    try {
      const principal = await this.authorize(headers);
      traceparent = this.traceparent(headers);
      const payload = JSON.stringify(await this.ingest(body, headers, principal, traceparent));
      this.answer(res, 202, payload, { 'content-type': JSON_CONTENT_TYPE, traceparent }, started);
    } catch (error) {
      this.answerProblem(res, error, started, traceparent);
    }
  }

  /** The platform guard's verification and the route's roles. */
  private async authorize(headers: IncomingHttpHeaders): Promise<Principal> {
    const principal = await this.guard.authenticate(bearerToken(headers['authorization']));
    if (this.roles.length > 0 && !principal.hasRole(...this.roles)) {
      throw new ForbiddenError(`This operation needs one of the roles: ${this.roles.join(', ')}.`, 'AUTH.ROLE_REQUIRED');
    }
    return principal;
  }

  private traceparent(headers: IncomingHttpHeaders): string {
    const header = headers['traceparent'];
    return childTraceparent(Array.isArray(header) ? header[0] : header);
  }

  private ingest(body: unknown, headers: IncomingHttpHeaders, principal: Principal, traceparent: string): Promise<IngestResult> {
    return RequestContext.run({ tenantId: principal.tenant, traceparent }, () => this.controller.post(body, headers['content-type'], principal));
  }

  /** problem+json as `sendProblem` writes it for Fastify (failures of 500 and above logged). */
  private answerProblem(res: ServerResponse, error: unknown, started: number, traceparent: string | undefined): void {
    const { problem, headers } = toProblem(error, ROUTE.url);
    if (problem.status >= 500) {
      this.logger.error({ err: error, code: problem.code }, `request failed: ${errorMessage(error)}`);
    }
    const out: OutgoingHttpHeaders = traceparent === undefined ? { ...headers } : { traceparent, ...headers };
    out['content-type'] = PROBLEM_CONTENT_TYPE_UTF8;
    this.answer(res, problem.status, JSON.stringify(problem), out, started);
  }

  private answer(res: ServerResponse, status: number, payload: string, headers: OutgoingHttpHeaders, started: number): void {
    if (res.headersSent || res.destroyed) return;
    headers['content-length'] = Buffer.byteLength(payload);
    res.writeHead(status, headers);
    res.end(payload);
    let duration = this.durations.get(status);
    if (!duration) {
      duration = this.duration.labels(ROUTE.method, ROUTE.url, String(status));
      this.durations.set(status, duration);
    }
    duration.observe((performance.now() - started) / 1000);
  }
}

/**
 * A request body parsed as the route's Fastify parsers parse it: intake's `application/json` parser
 * (faults named with their position), Fastify's JSON parser for the `+json` media types. Fastify's own
 * errors are raised as Nest raises them from Fastify's error handler (an `HttpException` with their
 * message and status).
 */
function parseBody(text: string, contentType: string | undefined): unknown {
  const media = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (media === 'application/json') return parseJsonBody(text);
  if (text.length === 0) throw fastifyError(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY());
  try {
    return secureJsonParse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw fastifyError(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY());
  }
}

function fastifyError(error: Error & { statusCode?: number }): HttpException {
  return new HttpException(error.message, error.statusCode ?? 400);
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
