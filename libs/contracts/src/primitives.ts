import { z } from 'zod';

/**
 * Building blocks shared by the event data schemas. Objects use `z.object`, which accepts and drops
 * unknown keys: a consumer on an older contract keeps working when a producer adds an optional field.
 */

/** Identifier of an interaction, agent, queue, customer, offer… */
export const idSchema = z.string().min(1).max(128);

/** RFC 3339 timestamp with an explicit offset (`Z` or `+02:00`). */
export const timestampSchema = z.iso.datetime({ offset: true });

export const nonNegativeIntSchema = z.number().int().min(0);
export const durationMsSchema = nonNegativeIntSchema.describe('Duration in milliseconds.');
/** A rate or share expressed as a fraction between 0 and 1. */
export const fractionSchema = z.number().min(0).max(1);

export const CHANNELS = ['voice', 'chat', 'email', 'video'] as const;
export type Channel = (typeof CHANNELS)[number];
export const channelSchema = z.enum(CHANNELS);

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const directionSchema = z.enum(DIRECTIONS);

export const SPEAKERS = ['customer', 'agent'] as const;
export type Speaker = (typeof SPEAKERS)[number];
export const speakerSchema = z.enum(SPEAKERS);

/** BCP 47-style language tag such as `en`, `de-CH` or `zh-Hant-TW`. */
export const languageTagSchema = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'Expected a BCP 47 language tag such as "en" or "de-CH"');

/** Free-form key/value attributes passed through from vendor systems (IVR selections, CRM ids…). */
export const attributesSchema = z.record(z.string().min(1).max(128), z.string().max(4096));

export const SENTIMENT_LABELS = ['positive', 'neutral', 'negative'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];
export const sentimentLabelSchema = z.enum(SENTIMENT_LABELS);

/** Sentiment compound score, from -1 (most negative) to 1 (most positive). */
export const compoundScoreSchema = z.number().min(-1).max(1);

export const sentimentSchema = z.object({
  compound: compoundScoreSchema,
  label: sentimentLabelSchema,
});
export type Sentiment = z.infer<typeof sentimentSchema>;

export const AGENT_STATES = ['offline', 'available', 'busy', 'wrap_up', 'break', 'not_responding'] as const;
export type AgentState = (typeof AGENT_STATES)[number];
export const agentStateSchema = z.enum(AGENT_STATES);

/** A short machine-readable code, e.g. a disposition or reason code. */
export const codeSchema = z.string().min(1).max(64);
/** Human-readable text of bounded length (reasons, details, errors). */
export const shortTextSchema = z.string().min(1).max(1000);
