import { z } from 'zod';
import { vendorIdSchema } from '../../mapping/ids';

const timestamp = z.iso.datetime({ offset: true });
const arn = z.string().min(1).max(2048);

/** Connect writes `agentInfo.agentArn` in some events and `AgentInfo.AgentArn` in others. */
const agentInfoSchema = z
  .object({
    agentArn: arn.optional(),
    AgentArn: arn.optional(),
    connectedToAgentTimestamp: timestamp.optional(),
  })
  .transform((info) => ({ agentArn: info.agentArn ?? info.AgentArn, connectedToAgentTimestamp: info.connectedToAgentTimestamp }));

/** An Amazon Connect contact event (the `detail` of the EventBridge event "Amazon Connect Contact Event"). */
export const contactEventSchema = z
  .object({
    eventType: z.string().min(1).max(64),
    contactId: vendorIdSchema(100),
    channel: z.string().min(1).max(32),
    initiationMethod: z.string().max(64).optional(),
    initiationTimestamp: timestamp.optional(),
    connectedToSystemTimestamp: timestamp.optional(),
    disconnectTimestamp: timestamp.optional(),
    disconnectReason: z.string().max(64).optional(),
    queueInfo: z
      .object({ queueArn: arn, queueType: z.string().max(64).optional(), enqueueTimestamp: timestamp.optional() })
      .optional(),
    agentInfo: agentInfoSchema.optional(),
    AgentInfo: agentInfoSchema.optional(),
  })
  .transform(({ AgentInfo, agentInfo, ...rest }) => ({ ...rest, agentInfo: agentInfo ?? AgentInfo }));
export type ContactEvent = z.infer<typeof contactEventSchema>;

/** The EventBridge envelope Connect's contact events arrive in. */
export const eventBridgeEnvelopeSchema = z.object({
  'detail-type': z.string().min(1).max(256),
  source: z.string().max(256).optional(),
  id: z.string().max(256).optional(),
  time: timestamp.optional(),
  detail: z.unknown(),
});

const agentSnapshotSchema = z.object({
  AgentStatus: z.object({ Name: z.string().min(1).max(128) }),
  Contacts: z.array(z.object({ State: z.string().max(64).optional(), Channel: z.string().max(32).optional() })).optional(),
});

/** A record of Connect's agent event stream (Kinesis). */
export const agentEventSchema = z.object({
  AgentARN: arn,
  EventId: vendorIdSchema(128),
  EventType: z.string().min(1).max(64),
  EventTimestamp: timestamp,
  CurrentAgentSnapshot: agentSnapshotSchema.nullish(),
  PreviousAgentSnapshot: agentSnapshotSchema.nullish(),
});
export type AgentEvent = z.infer<typeof agentEventSchema>;
export type AgentSnapshot = z.infer<typeof agentSnapshotSchema>;
