import { z } from 'zod';
import { timestampSchema } from './primitives';
import { tenantIdSchema } from './tenant';

/** W3C Trace Context `traceparent` header value (version 00). */
export const TRACEPARENT_PATTERN = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const EVENT_DATA_CONTENT_TYPE = 'application/json';
/** Content type of a structured-mode CloudEvent, as published on NATS and accepted over HTTP. */
export const CLOUDEVENT_CONTENT_TYPE = 'application/cloudevents+json';

/**
 * The CloudEvents 1.0 attributes every Switchboard event carries, plus the `tenantid` and
 * `traceparent` extensions. Other extension attributes are accepted (CloudEvents allows them) but
 * dropped from the parsed result: our contract is only what is listed here.
 */
export const envelopeAttributes = {
  specversion: z.literal(CLOUDEVENTS_SPEC_VERSION).describe('CloudEvents specification version.'),
  id: z
    .string()
    .min(1)
    .max(256)
    .describe('Unique per source; the idempotency key and the JetStream message id.'),
  source: z
    .string()
    .min(1)
    .max(1024)
    .describe('URI-reference of the producer, e.g. "/intake/twilio" or "/routing".'),
  type: z.string().min(1).max(256).describe('Event type, e.g. "interaction.created".'),
  time: timestampSchema.describe('When the occurrence happened (RFC 3339 with offset).'),
  subject: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe('What the event is about within the source, usually the interaction or agent id.'),
  datacontenttype: z.literal(EVENT_DATA_CONTENT_TYPE).optional(),
  tenantid: tenantIdSchema,
  traceparent: z
    .string()
    .regex(TRACEPARENT_PATTERN, 'Expected a W3C traceparent such as 00-<32 hex>-<16 hex>-<2 hex>')
    .optional()
    .describe('W3C Trace Context of the operation that produced the event.'),
} as const;

/** First-pass schema: a well-formed envelope of any type, `data` not yet checked. */
export const cloudEventEnvelopeSchema = z.object({
  ...envelopeAttributes,
  data: z.unknown(),
});
export type CloudEventEnvelope = z.infer<typeof cloudEventEnvelopeSchema>;
