import { ContractViolationError } from '@switchboard/contracts';
import { ValidationError } from '@switchboard/platform';

/** Runs a vendor mapping; a vendor event that cannot become a valid canonical event is the sender's 400, never a 500. */
export function mapOrReject<T>(map: () => T): T {
  try {
    return map();
  } catch (error) {
    if (error instanceof ContractViolationError) {
      throw new ValidationError(
        'The vendor event cannot be expressed as a canonical event.',
        error.issues.map((issue) => ({ field: issue.path || '(root)', message: issue.message })),
        'INTAKE.UNMAPPABLE_EVENT',
      );
    }
    throw error;
  }
}
