import { Agent, request, type Dispatcher } from 'undici';
import { sleepMs } from '../core/clock';

/**
 * One keep-alive connection pool per origin for every request the simulator makes: undici's request API costs a
 * fraction of the CPU of fetch, which matters when the simulator shares a machine with the services it loads.
 */
const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 128 });

/** A non-2xx answer from a Switchboard service, with its problem+json body. */
export class HttpError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    const problem = body && typeof body === 'object' ? (body as { code?: unknown; detail?: unknown }) : {};
    super(`${method} ${url} answered ${status}${problem.code ? ` ${String(problem.code)}` : ''}${problem.detail ? `: ${String(problem.detail)}` : ''}`);
    this.name = 'HttpError';
  }

  get code(): string | undefined {
    const body = this.body as { code?: unknown } | undefined;
    return typeof body?.code === 'string' ? body.code : undefined;
  }
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Raw body with its content type (form-encoded webhooks). */
  raw?: { contentType: string; text: string };
  headers?: Record<string, string>;
  /** Retries on 429 and 503 (honouring Retry-After) and on connection errors; default 3. */
  retries?: number;
  signal?: AbortSignal;
}

/** One JSON request; resolves with the parsed body of a 2xx answer, throws `HttpError` otherwise. */
export async function requestJson<T = unknown>(method: string, url: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw) {
    headers['content-type'] = options.raw.contentType;
    body = options.raw.text;
  } else if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.body);
  }
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt += 1) {
    let status: number;
    let responseHeaders: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const response = await request(url, { method: method as Dispatcher.HttpMethod, headers, body, signal: options.signal, dispatcher });
      status = response.statusCode;
      responseHeaders = response.headers;
      text = await response.body.text();
    } catch (error) {
      if (attempt >= retries || options.signal?.aborted) throw error;
      await sleepMs(200 * 2 ** attempt, options.signal);
      continue;
    }
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (status >= 200 && status < 300) return parsed as T;
    if ((status === 429 || status === 503) && attempt < retries) {
      const retryAfter = Number(responseHeaders['retry-after']);
      await sleepMs(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 10) * 1000 : 250 * 2 ** attempt, options.signal);
      continue;
    }
    throw new HttpError(method, url, status, parsed);
  }
}
