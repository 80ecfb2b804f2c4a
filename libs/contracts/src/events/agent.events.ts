import { z } from 'zod';
import { agentStateSchema, idSchema, shortTextSchema } from '../primitives';

/** Agent presence. Routing is authoritative; telephony systems may report states through intake. */

export const agentStateChangedDataSchema = z.object({
  agentId: idSchema,
  state: agentStateSchema,
  previousState: agentStateSchema.optional(),
  reason: shortTextSchema.optional().describe('E.g. "lunch", "missed 3 offers in a row", "recovery after abusive contact".'),
});
export type AgentStateChangedData = z.infer<typeof agentStateChangedDataSchema>;

export const agentEventSchemas = {
  'agent.state_changed': agentStateChangedDataSchema,
} as const;
