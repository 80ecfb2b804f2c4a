import { z } from 'zod';
import { channelSchema, durationMsSchema, idSchema, shortTextSchema, timestampSchema } from '../primitives';

/** Events published by the routing service about queueing, offers and assignment. */

/** One agent the router considered, with its score and why it was (not) eligible. */
export const routingCandidateSchema = z.looseObject({
  agentId: idSchema,
  score: z.number(),
  eligible: z.boolean(),
  reasons: z.array(z.string().max(500)).max(50),
});
export type RoutingCandidate = z.infer<typeof routingCandidateSchema>;

/** A routing rule that was evaluated (skills, capacity, wellbeing guard, sticky agent, overflow…). */
export const routingRuleOutcomeSchema = z.looseObject({
  rule: z.string().min(1).max(128),
  outcome: z.string().min(1).max(128).describe('E.g. "applied", "skipped", "excluded 2 agents".'),
  detail: z.string().max(1000).optional(),
});
export type RoutingRuleOutcome = z.infer<typeof routingRuleOutcomeSchema>;

/**
 * Why the router decided what it did. Typed where consumers rely on it, loose elsewhere so the
 * router can add diagnostics without a contract change.
 */
export const routingExplanationSchema = z.looseObject({
  strategy: z.string().min(1).max(64).describe('longest-idle, least-occupancy, best-skill-match, round-robin…'),
  candidates: z.array(routingCandidateSchema).max(1000),
  winner: idSchema.optional().describe('Agent id of the chosen candidate.'),
  rules: z.array(routingRuleOutcomeSchema).max(200),
});
export type RoutingExplanation = z.infer<typeof routingExplanationSchema>;

/** Fields every routing event may carry; each type below tightens what it requires. */
const routingBaseSchema = z.object({
  interactionId: idSchema,
  queueId: idSchema,
  offerId: idSchema.optional(),
  agentId: idSchema.optional(),
  expiresAt: timestampSchema.optional(),
  explanation: routingExplanationSchema.optional(),
  reason: shortTextSchema.optional(),
  waitMs: durationMsSchema.optional().describe('Time the interaction has waited in queue so far.'),
  customerId: idSchema.optional(),
  channel: channelSchema.optional(),
});

/** Events about one offer to one agent: offer and agent are always known. */
const offerScopedSchema = routingBaseSchema.extend({
  offerId: idSchema,
  agentId: idSchema,
});

export const routingQueuedDataSchema = routingBaseSchema.extend({
  priority: z.number().int().min(0).max(10).optional(),
  position: z.number().int().min(1).optional().describe('1-based position in the queue when queued.'),
});

export const routingOfferedDataSchema = offerScopedSchema.extend({
  expiresAt: timestampSchema.describe('When the offer times out unless accepted or rejected.'),
});

export const routingAcceptedDataSchema = offerScopedSchema;
export const routingRejectedDataSchema = offerScopedSchema;
export const routingOfferTimedOutDataSchema = offerScopedSchema;
/** An offer withdrawn before the agent answered it (customer hung up, agent went offline…). */
export const routingOfferRescindedDataSchema = offerScopedSchema;

export const routingAssignedDataSchema = routingBaseSchema.extend({
  agentId: idSchema,
});

export const routingEscalatedDataSchema = routingBaseSchema.extend({
  step: z.number().int().min(0).optional().describe('Overflow step reached (0-based), when escalation is an overflow.'),
});

export const routingAbandonedDataSchema = routingBaseSchema;

export const routingEventSchemas = {
  'routing.queued': routingQueuedDataSchema,
  'routing.offered': routingOfferedDataSchema,
  'routing.accepted': routingAcceptedDataSchema,
  'routing.rejected': routingRejectedDataSchema,
  'routing.offer_timed_out': routingOfferTimedOutDataSchema,
  'routing.assigned': routingAssignedDataSchema,
  'routing.escalated': routingEscalatedDataSchema,
  'routing.abandoned': routingAbandonedDataSchema,
  'routing.offer_rescinded': routingOfferRescindedDataSchema,
} as const;

export type RoutingQueuedData = z.infer<typeof routingQueuedDataSchema>;
export type RoutingOfferedData = z.infer<typeof routingOfferedDataSchema>;
export type RoutingAcceptedData = z.infer<typeof routingAcceptedDataSchema>;
export type RoutingRejectedData = z.infer<typeof routingRejectedDataSchema>;
export type RoutingOfferTimedOutData = z.infer<typeof routingOfferTimedOutDataSchema>;
export type RoutingAssignedData = z.infer<typeof routingAssignedDataSchema>;
export type RoutingEscalatedData = z.infer<typeof routingEscalatedDataSchema>;
export type RoutingAbandonedData = z.infer<typeof routingAbandonedDataSchema>;
export type RoutingOfferRescindedData = z.infer<typeof routingOfferRescindedDataSchema>;
