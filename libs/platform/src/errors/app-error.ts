import { statusTitle } from './http-status';

/** One offending input field, named by a JSON-pointer-like dotted path. */
export interface FieldIssue {
  field: string;
  message: string;
}

export interface AppErrorOptions {
  /** Stable, machine-readable code such as `ROUTING.NO_ELIGIBLE_AGENT`. */
  code: string;
  /** HTTP status when the error reaches an HTTP client. */
  status?: number;
  /** Whether retrying the same work later may succeed (used by message consumers). */
  retryable?: boolean;
  title?: string;
  fields?: FieldIssue[];
  cause?: unknown;
  headers?: Record<string, string>;
}

/**
 * Base error of every Switchboard module. Carries a stable code, an HTTP status and whether it is
 * retryable; HTTP maps it to RFC 9457 problem+json, consumers to ack/nak/term.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly title: string;
  readonly fields: FieldIssue[];
  readonly headers: Record<string, string>;

  constructor(message: string, options: AppErrorOptions) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.status = options.status ?? 500;
    this.retryable = options.retryable ?? false;
    this.title = options.title ?? statusTitle(this.status);
    this.fields = options.fields ?? [];
    this.headers = options.headers ?? {};
  }
}

/** Input that can never be processed (bad payload, unknown type): terminate, never retry. */
export class ValidationError extends AppError {
  constructor(message: string, fields: FieldIssue[] = [], code = 'VALIDATION.INVALID_INPUT') {
    super(message, { code, status: 400, retryable: false, title: 'Invalid input', fields });
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, code = 'NOT_FOUND') {
    super(message, { code, status: 404, title: 'Not found' });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'CONFLICT') {
    super(message, { code, status: 409, title: 'Conflict' });
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, code = 'AUTH.FORBIDDEN') {
    super(message, { code, status: 403, title: 'Forbidden' });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message: string, code = 'AUTH.UNAUTHORIZED') {
    super(message, { code, status: 401, title: 'Unauthorized', headers: { 'www-authenticate': 'Bearer' } });
  }
}

/** A dependency is briefly unavailable (database, broker): retry later. */
export class TransientError extends AppError {
  constructor(message: string, cause?: unknown, code = 'DEPENDENCY.UNAVAILABLE') {
    super(message, { code, status: 503, retryable: true, title: 'Service unavailable', cause });
  }
}

/**
 * Whether a failure may succeed on a later attempt. AppErrors say so themselves; anything else
 * (a driver error, a timeout) is presumed transient so that accepted work is never dropped.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof AppError) return error.retryable;
  return true;
}
