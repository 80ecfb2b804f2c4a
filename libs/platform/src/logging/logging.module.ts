import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import type { PlatformConfig } from '../config/platform-config';
import { PLATFORM_CONFIG } from '../config/tokens';
import { RequestContext } from '../context/request-context';
import { parseTraceparent } from '../context/trace-context';

/** Paths redacted from every log line: credentials never reach the logs. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
  'req.headers["x-switchboard-signature"]',
  '*.password',
  '*.secret',
  '*.authToken',
  '*.token',
  '*.apiKey',
];

/** Query parameters that carry credentials (EventSource and WebSocket clients cannot send headers). */
const SECRET_QUERY_PARAMS = /^(access_token|token|api_key|apikey|key|secret|password|signature|sig)$/i;

/** The URL with the values of credential-bearing query parameters replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const params = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // a malformed escape is logged as it came
      }
      return eq >= 0 && SECRET_QUERY_PARAMS.test(decoded) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, query)}?${params.join('&')}`;
}

const QUIET_ROUTES = /^\/(health|metrics)(\/|$)/;

/** The fields of the ambient unit of work that every log line carries. */
export function contextLogFields(): Record<string, string> {
  const ctx = RequestContext.current();
  if (!ctx) return {};
  const fields: Record<string, string> = {};
  if (ctx.tenantId) fields['tenantId'] = ctx.tenantId;
  if (ctx.interactionId) fields['interactionId'] = ctx.interactionId;
  if (ctx.eventId) fields['eventId'] = ctx.eventId;
  const trace = parseTraceparent(ctx.traceparent);
  if (trace) {
    fields['traceId'] = trace.traceId;
    fields['spanId'] = trace.spanId;
  }
  return fields;
}

/** A route whose requests are not logged one by one (`{ method: 'POST', path: 'v1/events' }`). */
export interface UnloggedRoute {
  method: keyof typeof RequestMethod;
  path: string;
}

export interface LoggingOptions {
  /**
   * Hot routes that get no per-request logger and no "request completed" line: at thousands of requests a
   * second both cost more than the route's own work. Their log lines still carry the context fields
   * (tenant, trace), failures (5xx) are still logged, and the request metrics still count every request.
   */
  unloggedRoutes?: readonly UnloggedRoute[];
}

/** JSON logs (pino) with service, tenant, interaction and trace ids on every line. */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions = {}): DynamicModule {
    const exclude = (options.unloggedRoutes ?? []).map((route) => ({ method: RequestMethod[route.method], path: route.path }));
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [PLATFORM_CONFIG],
          useFactory: (config: PlatformConfig) => ({
            ...(exclude.length > 0 ? { exclude } : {}),
            pinoHttp: {
              level: config.logLevel,
              base: { service: config.service },
              timestamp: () => `,"time":"${new Date().toISOString()}"`,
              formatters: { level: (label: string) => ({ level: label }) },
              mixin: contextLogFields,
              redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
              autoLogging: { ignore: (req: IncomingMessage) => QUIET_ROUTES.test(req.url ?? '') },
              customProps: (req: IncomingMessage) => {
                const principal = (req as IncomingMessage & { principal?: { tenant: string } }).principal;
                return principal ? { tenantId: principal.tenant } : {};
              },
              serializers: {
                req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
              },
            },
          }),
        }),
      ],
    };
  }
}
