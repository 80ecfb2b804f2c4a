import { HttpException } from '@nestjs/common';
import { ZodError } from 'zod';
import { AppError, type FieldIssue } from './app-error';
import { statusCode, statusTitle } from './http-status';

/** RFC 9457 problem details, with Switchboard's `code` and `errors` extension members. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  errors?: FieldIssue[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://switchboard.dev/problems/';

/** Turns a zod error into field issues with dotted paths (`customer.id`, `[3].data.text`). */
export function zodIssues(error: ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: joinPath(prefix, issue.path),
    message: issue.message,
  }));
}

export function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

/** Fastify's own errors (body parsing, limits, media types) mapped to stable codes. */
const FASTIFY_ERRORS: Record<string, { status: number; code: string; title: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'HTTP.PAYLOAD_TOO_LARGE', title: 'Payload too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'HTTP.UNSUPPORTED_MEDIA_TYPE', title: 'Unsupported media type' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'HTTP.EMPTY_BODY', title: 'Empty body' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'HTTP.INVALID_CONTENT_LENGTH', title: 'Invalid content length' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'HTTP.MALFORMED_JSON', title: 'Malformed JSON' },
  FST_ERR_BAD_URL: { status: 400, code: 'HTTP.BAD_URL', title: 'Bad URL' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'HTTP.URI_TOO_LONG', title: 'URI too long' },
};

/**
 * A complete raw HTTP/1.1 response carrying problem+json, for failures Node's HTTP parser reports before any
 * request exists (headers too large, malformed request line, request timeout).
 */
export function rawProblemResponse(status: 400 | 408 | 431, detail: string): string {
  const titles = { 400: 'Bad request', 408: 'Request timeout', 431: 'Request header fields too large' } as const;
  const codes = { 400: 'HTTP.BAD_REQUEST', 408: 'HTTP.REQUEST_TIMEOUT', 431: 'HTTP.HEADERS_TOO_LARGE' } as const;
  const body = JSON.stringify(build(status, titles[status], codes[status], detail, undefined));
  return `HTTP/1.1 ${status} ${titles[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * Maps any thrown value to problem details. Unknown errors become a generic 500 that reveals nothing
 * internal; everything the platform knows about gets a precise 4xx.
 */
export function toProblem(error: unknown, instance?: string): { problem: ProblemDetails; headers: Record<string, string> } {
  if (error instanceof AppError) {
    return {
      problem: build(error.status, error.title, error.code, error.message, instance, error.fields),
      headers: error.headers,
    };
  }
  if (error instanceof ZodError) {
    return {
      problem: build(400, 'Invalid input', 'VALIDATION.INVALID_INPUT', 'The request is invalid.', instance, zodIssues(error)),
      headers: {},
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const body = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
    const detail = typeof response === 'string' ? response : typeof body['message'] === 'string' ? body['message'] : error.message;
    const problem = build(status, statusTitle(status), statusCode(status), detail, instance);
    // Health checks and similar structured responses keep their payload as extension members.
    for (const [key, value] of Object.entries(body)) {
      if (!['message', 'statusCode', 'error'].includes(key) && !(key in problem)) problem[key] = value;
    }
    return { problem, headers: {} };
  }
  const fastify = fastifyError(error);
  if (fastify) {
    const known = FASTIFY_ERRORS[fastify.code];
    if (known) {
      return { problem: build(known.status, known.title, known.code, fastify.message, instance), headers: {} };
    }
    if (fastify.statusCode >= 400 && fastify.statusCode < 500) {
      return {
        problem: build(fastify.statusCode, statusTitle(fastify.statusCode), statusCode(fastify.statusCode), fastify.message, instance),
        headers: {},
      };
    }
  }
  if (error instanceof SyntaxError && /JSON/i.test(error.message)) {
    return { problem: build(400, 'Malformed JSON', 'HTTP.MALFORMED_JSON', error.message, instance), headers: {} };
  }
  if (isDependencyUnavailable(error)) {
    return {
      problem: build(503, 'Service unavailable', 'DEPENDENCY.UNAVAILABLE', 'A dependency is briefly unavailable or overloaded; retry shortly.', instance),
      headers: { 'retry-after': '1' },
    };
  }
  return {
    problem: build(500, 'Internal server error', 'INTERNAL', 'An unexpected error occurred.', instance),
    headers: {},
  };
}

/** Network failures, and PostgreSQL's conflict, overload and shutdown classes: worth a retry, not a bug. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN',
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '53300', // too_many_connections
  '57014', // query_canceled (statement timeout)
  '57P01', '57P02', '57P03', // admin shutdown, crash shutdown, cannot connect now
  '08000', '08003', '08006', '08001', '08004', // connection exceptions
]);
const TRANSIENT_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Connection is closed|MaxRetriesPerRequest|Reached the max retries per request|connection (?:closed|draining)|TIMEOUT/;

/**
 * Whether an unknown error is a dependency (PostgreSQL, Redis, NATS) failing for the moment — pool exhausted,
 * connection lost, deadlock, lock timeout — rather than a defect: such requests get 503 with Retry-After.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const candidate = e as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; name?: unknown };
    if (typeof candidate.code === 'string' && TRANSIENT_CODES.has(candidate.code)) return true;
    if (candidate.name === 'MaxRetriesPerRequestError') return true;
    if (typeof candidate.message === 'string' && TRANSIENT_MESSAGES.test(candidate.message)) return true;
    e = candidate.driverError ?? candidate.cause;
  }
  return false;
}

function build(
  status: number,
  title: string,
  code: string,
  detail: string | undefined,
  instance: string | undefined,
  errors?: FieldIssue[],
): ProblemDetails {
  const problem: ProblemDetails = {
    type: TYPE_BASE + code.toLowerCase().replace(/[._]/g, '-'),
    title,
    status,
    code,
  };
  if (detail) problem.detail = detail;
  if (instance) problem.instance = instance;
  if (errors && errors.length > 0) problem.errors = errors;
  return problem;
}

function fastifyError(error: unknown): { code: string; statusCode: number; message: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof e.code === 'string' && typeof e.statusCode === 'number') {
    return { code: e.code, statusCode: e.statusCode, message: typeof e.message === 'string' ? e.message : '' };
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { code: '', statusCode: e.statusCode, message: typeof e.message === 'string' ? e.message : '' };
  }
  return undefined;
}
