import { dirname, join } from 'node:path';
import fastifyHttpProxy from '@fastify/http-proxy';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import { connect, type NatsConnection } from 'nats';
import { sendProblem } from './problem';
import { registerTranscriptStream } from './transcripts/transcript-stream';
import { UPSTREAMS, type Upstream, type WebConfig } from './web.config';

const PUBLIC_DIR = join(__dirname, '..', 'public');
// chart.js resolves to dist/chart.cjs; the browser build (chart.umd.min.js) sits beside it.
const CHART_JS_DIR = dirname(require.resolve('chart.js'));

/** Pages the app serves, by path. */
const PAGES: Record<string, string> = { '/': 'index.html', '/dashboard': 'dashboard.html', '/console': 'console.html' };

/**
 * Same-origin pages for people: no inline scripts, nothing from other origins; the pages talk to
 * the services only through this server's `/api/<service>` routes (HTTP, SSE and WebSocket).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export interface UpstreamStatus {
  ready: boolean;
  detail: string;
}

async function probe(base: string, timeoutMs: number): Promise<UpstreamStatus> {
  try {
    const response = await fetch(new URL('/health/ready', base), { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return { ready: response.status === 200, detail: `HTTP ${response.status}` };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
    return { ready: false, detail: cause ?? (error instanceof Error ? error.message : String(error)) };
  }
}

/**
 * The web app: static pages (`/dashboard`, `/console`), the chart library, and a reverse proxy
 * `/api/<service>/*` → the service's own routes, WebSocket upgrades included.
 */
export async function buildWebServer(config: WebConfig): Promise<FastifyInstance> {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel, base: { service: 'web' } },
    trustProxy: true,
    return503OnClosing: true,
    // Event streams and sockets never end by themselves: closing ends them instead of waiting forever.
    forceCloseConnections: true,
    // Tokens travel in query strings for EventSource and WebSocket; keep them out of the log.
    logController: new LogController({ disableRequestLogging: true }),
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    return payload;
  });

  app.setNotFoundHandler((request, reply) => sendProblem(reply, 404, 'Not found', 'HTTP.NOT_FOUND', `Nothing at ${request.method} ${request.url.split('?')[0]}.`));
  app.setErrorHandler((error: { statusCode?: number; message?: string }, _request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) app.log.error({ err: error }, 'request failed');
    return sendProblem(reply, status, status >= 500 ? 'Internal error' : 'Bad request', status >= 500 ? 'HTTP.INTERNAL' : 'HTTP.BAD_REQUEST', status >= 500 ? 'The request could not be completed.' : (error.message ?? 'Bad request.'));
  });

  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/static/', index: false, cacheControl: true, maxAge: 0 });
  await app.register(fastifyStatic, { root: CHART_JS_DIR, prefix: '/vendor/chart.js/', decorateReply: false, allowedPath: (path) => path === '/chart.umd.min.js' });
  for (const [path, file] of Object.entries(PAGES)) {
    app.get(path, (_request, reply) => reply.header('cache-control', 'no-store').sendFile(file));
  }

  app.get('/health/live', () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    const results = await Promise.all(UPSTREAMS.map(async (name) => [name, await probe(config.upstreams[name], config.upstreamTimeoutMs)] as const));
    const services = Object.fromEntries(results) as Record<Upstream, UpstreamStatus>;
    const ready = results.every(([, status]) => status.ready);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', services });
  });

  const nats: NatsConnection = await connect({ servers: config.nats.url, name: 'web', maxReconnectAttempts: -1 });
  app.addHook('onClose', async () => {
    await nats.drain();
  });
  registerTranscriptStream(app, { nats, namespace: config.nats.namespace, analyticsUrl: config.upstreams.analytics, authorizeTimeoutMs: config.transcriptAuthorizeTimeoutMs });

  for (const name of UPSTREAMS) {
    await app.register(fastifyHttpProxy, {
      upstream: config.upstreams[name],
      prefix: `/api/${name}`,
      rewritePrefix: '',
      websocket: name === 'notify',
      // Server-Sent Events stay open: no body timeout on proxied responses.
      undici: { bodyTimeout: 0, headersTimeout: 30_000, keepAliveTimeout: 10_000 },
      // Closing the app closes its connections to the services too (open event streams included).
      destroyAgent: true,
      replyOptions: {
        onError: (reply, { error }) => {
          const code = (error as Error & { statusCode?: unknown }).statusCode;
          const status = code === 504 ? 504 : 502;
          void sendProblem(reply as unknown as FastifyReply, status, 'Service unavailable', 'WEB.UPSTREAM_UNAVAILABLE', `The ${name} service did not answer (${error.message}).`);
        },
      },
    });
  }
  return app;
}
