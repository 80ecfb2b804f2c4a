import { z } from 'zod';

/** Twilio's CallStatus values of a voice status callback. */
export const TWILIO_CALL_STATUSES = ['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'canceled', 'failed'] as const;
export type TwilioCallStatus = (typeof TWILIO_CALL_STATUSES)[number];

const phoneish = z.string().max(128);

/**
 * The parameters of a Twilio voice status callback (form-encoded) that the adapter reads. Twilio sends
 * more (ApiVersion, CallbackSource, Called*, Caller*…): they take part in the signature and are ignored otherwise.
 */
export const twilioStatusCallbackSchema = z.object({
  CallSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'Expected a Twilio call SID (CA + 32 hex digits)'),
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'Expected a Twilio account SID (AC + 32 hex digits)'),
  CallStatus: z.enum(TWILIO_CALL_STATUSES),
  From: phoneish.optional(),
  To: phoneish.optional(),
  Direction: z.string().max(64).optional(),
  CallerName: z.string().max(256).optional(),
  ForwardedFrom: phoneish.optional(),
  ParentCallSid: z.string().max(64).optional(),
  CallDuration: z.string().regex(/^\d{1,9}$/, 'Expected whole seconds').optional(),
  Timestamp: z.string().max(64).optional(),
  SequenceNumber: z.string().regex(/^\d{1,9}$/).optional(),
});
export type TwilioStatusCallback = z.infer<typeof twilioStatusCallbackSchema>;

export const twilioQuerySchema = z.object({
  queueId: z.string().min(1).max(128).optional(),
});
