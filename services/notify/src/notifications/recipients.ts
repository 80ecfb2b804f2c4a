import type { Principal } from '@switchboard/platform';
import { agentRecipient, SUPERVISORS, type Recipient } from './notification-plan';

/** The inboxes a caller reads: an agent its own, supervisors and admins the team's. Other roles none. */
export function recipientsOf(principal: Principal): Recipient[] {
  switch (principal.role) {
    case 'agent':
      return principal.subject ? [agentRecipient(principal.subject)] : [];
    case 'supervisor':
    case 'admin':
      return [SUPERVISORS];
    case 'ingest':
      return [];
  }
}
