import { z } from 'zod';
import {
  attributesSchema,
  channelSchema,
  codeSchema,
  directionSchema,
  durationMsSchema,
  idSchema,
  languageTagSchema,
  shortTextSchema,
  speakerSchema,
} from '../primitives';

/** Events emitted by telephony and messaging systems (through intake) and the agent UI. */

export const customerSchema = z.object({
  id: idSchema.describe('Stable customer id (CRM id, or the caller number when nothing better is known).'),
  name: z.string().min(1).max(256).optional(),
  phone: z.string().min(1).max(64).optional().describe('As received from the vendor; E.164 where available.'),
  email: z.string().min(1).max(320).optional(),
  vip: z.boolean().optional(),
});
export type Customer = z.infer<typeof customerSchema>;

export const interactionCreatedDataSchema = z.object({
  interactionId: idSchema,
  channel: channelSchema,
  direction: directionSchema,
  queueId: idSchema.describe('Queue the interaction enters.'),
  customer: customerSchema,
  language: languageTagSchema.optional(),
  priority: z.number().int().min(0).max(10).optional().describe('0 (lowest) to 10 (highest); queue priority applies when absent.'),
  attributes: attributesSchema.optional(),
  externalId: z.string().min(1).max(256).optional().describe("The vendor's own id (Twilio CallSid, Connect ContactId…)."),
});

/** Shared by answered, held and resumed: the interaction and, where known, the agent handling it. */
const interactionAgentDataSchema = z.object({
  interactionId: idSchema,
  agentId: idSchema.optional(),
});

export const interactionAnsweredDataSchema = interactionAgentDataSchema;
export const interactionHeldDataSchema = interactionAgentDataSchema;
export const interactionResumedDataSchema = interactionAgentDataSchema;

export const interactionTransferredDataSchema = z.object({
  interactionId: idSchema,
  agentId: idSchema.optional().describe('Agent who transferred the interaction.'),
  toQueueId: idSchema.optional(),
  toAgentId: idSchema.optional(),
  reason: shortTextSchema.optional(),
});

export const interactionUtteranceDataSchema = z.object({
  interactionId: idSchema,
  utteranceId: idSchema.optional(),
  speaker: speakerSchema,
  text: z.string().min(1).max(10_000),
  offsetMs: durationMsSchema.optional().describe('Offset from the start of the interaction.'),
});

export const INTERACTION_END_REASONS = ['completed', 'abandoned', 'failed', 'transferred'] as const;
export type InteractionEndReason = (typeof INTERACTION_END_REASONS)[number];

export const interactionEndedDataSchema = z.object({
  interactionId: idSchema,
  reason: z.enum(INTERACTION_END_REASONS),
  agentId: idSchema.optional(),
  durationMs: durationMsSchema.optional().describe('From creation to end.'),
  holdMs: durationMsSchema.optional().describe('Total time on hold.'),
});

export const interactionDispositionDataSchema = z.object({
  interactionId: idSchema,
  agentId: idSchema.optional(),
  customerId: idSchema.optional(),
  resolved: z.boolean().describe("Whether the customer's issue was resolved on this contact."),
  code: codeSchema.optional().describe('Disposition (wrap-up) code.'),
  note: z.string().max(4000).optional(),
});

export const interactionEventSchemas = {
  'interaction.created': interactionCreatedDataSchema,
  'interaction.answered': interactionAnsweredDataSchema,
  'interaction.held': interactionHeldDataSchema,
  'interaction.resumed': interactionResumedDataSchema,
  'interaction.transferred': interactionTransferredDataSchema,
  'interaction.utterance': interactionUtteranceDataSchema,
  'interaction.ended': interactionEndedDataSchema,
  'interaction.disposition': interactionDispositionDataSchema,
} as const;

export type InteractionCreatedData = z.infer<typeof interactionCreatedDataSchema>;
export type InteractionAnsweredData = z.infer<typeof interactionAnsweredDataSchema>;
export type InteractionHeldData = z.infer<typeof interactionHeldDataSchema>;
export type InteractionResumedData = z.infer<typeof interactionResumedDataSchema>;
export type InteractionTransferredData = z.infer<typeof interactionTransferredDataSchema>;
export type InteractionUtteranceData = z.infer<typeof interactionUtteranceDataSchema>;
export type InteractionEndedData = z.infer<typeof interactionEndedDataSchema>;
export type InteractionDispositionData = z.infer<typeof interactionDispositionDataSchema>;

