import { AppError, type FieldIssue } from '@switchboard/platform';

/** The tenant sent more events than its rate allows; retry after the given delay. */
export class RateLimitedError extends AppError {
  constructor(tenant: string, retryAfterMs: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(`Tenant ${tenant} is over its event rate; retry in ${seconds} s.`, {
      code: 'INTAKE.RATE_LIMITED',
      status: 429,
      retryable: true,
      title: 'Too many requests',
      headers: { 'retry-after': String(seconds) },
    });
  }
}

/** JetStream did not acknowledge every event: nothing of the request counts as accepted; retry it. */
export class PublishFailedError extends AppError {
  constructor(cause: unknown) {
    super('The events could not be stored durably; retry the request (events already stored count as duplicates).', {
      code: 'INTAKE.PUBLISH_FAILED',
      status: 503,
      retryable: true,
      title: 'Service unavailable',
      headers: { 'retry-after': '1' },
      cause,
    });
  }
}

/** The de-duplication ledger (Redis) or the archive could not be asked; retry the request. */
export class LedgerUnavailableError extends AppError {
  constructor(cause: unknown) {
    super('Duplicate detection is unavailable; retry the request.', {
      code: 'INTAKE.LEDGER_UNAVAILABLE',
      status: 503,
      retryable: true,
      title: 'Service unavailable',
      headers: { 'retry-after': '1' },
      cause,
    });
  }
}

/** An event names a tenant other than the caller's. */
export class TenantMismatchError extends AppError {
  constructor(fields: FieldIssue[]) {
    super('Events may only be sent for the token’s own tenant.', {
      code: 'INTAKE.TENANT_MISMATCH',
      status: 403,
      retryable: false,
      title: 'Forbidden',
      fields,
    });
  }
}
