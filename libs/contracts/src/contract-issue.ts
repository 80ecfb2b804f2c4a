import type { z } from 'zod';

/** One reason a message breaks the contract. `path` is dotted, e.g. "data.customer.id" or "type"; "" is the whole message. */
export interface ContractIssue {
  path: string;
  message: string;
}

/** Stable error code for messages that break the contract; such messages can never succeed and are not retried. */
export const CONTRACT_VIOLATION_CODE = 'CONTRACTS.VIOLATION';

/** Thrown by `createEvent` when the event it would build breaks its contract. */
export class ContractViolationError extends Error {
  readonly code = CONTRACT_VIOLATION_CODE;
  readonly retryable = false;

  constructor(
    readonly issues: ContractIssue[],
    message = `Event breaks its contract: ${formatIssues(issues)}`,
  ) {
    super(message);
    this.name = 'ContractViolationError';
  }
}

export function formatIssues(issues: readonly ContractIssue[]): string {
  return issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
}

/** Converts zod issues to contract issues, optionally below a path prefix such as "data". */
export function toContractIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): ContractIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.'),
    message: issue.message,
  }));
}
