import { createEvent, type AnyCloudEvent } from '@switchboard/contracts';
import { customerOf } from '../../mapping/customer';
import type { TwilioCallStatus, TwilioStatusCallback } from './twilio-status.schema';

export const TWILIO_SOURCE = '/intake/twilio';
export const DEFAULT_QUEUE_ID = 'default';

export interface TwilioMappingContext {
  tenantId: string;
  queueId: string;
  /** When the callback arrived (used when it carries no Timestamp). */
  receivedAt: Date;
}

/**
 * Maps one status callback onto canonical events. Every callback starts with the call's
 * `interaction.created` (its id is derived from the CallSid, so only the first one is published) and then
 * adds what the status says; ids are deterministic, so Twilio's retries of a callback are duplicates.
 */
export function mapTwilioStatus(callback: TwilioStatusCallback, context: TwilioMappingContext): AnyCloudEvent[] {
  const { tenantId } = context;
  const sid = callback.CallSid;
  const interactionId = `twilio-${sid}`;
  const time = eventTime(callback.Timestamp, context.receivedAt);
  const base = { tenantid: tenantId, source: TWILIO_SOURCE, time };
  const id = (step: string) => `twilio:${tenantId}:${sid}:${step}`;
  const outbound = (callback.Direction ?? 'inbound').startsWith('outbound');

  const created = createEvent({
    ...base,
    id: id('created'),
    type: 'interaction.created',
    data: {
      interactionId,
      channel: 'voice',
      direction: outbound ? 'outbound' : 'inbound',
      queueId: context.queueId,
      customer: customerOf(outbound ? callback.To : callback.From, callback.CallerName, interactionId),
      externalId: sid,
      attributes: attributes(callback),
    },
  });
  const follow = followUp(callback.CallStatus);
  switch (follow.kind) {
    case 'none':
      return [created];
    case 'answered':
      return [created, createEvent({ ...base, id: id('answered'), type: 'interaction.answered', data: { interactionId } })];
    case 'ended':
      return [
        created,
        createEvent({
          ...base,
          id: id('ended'),
          type: 'interaction.ended',
          data: {
            interactionId,
            reason: follow.reason,
            ...(callback.CallDuration === undefined ? {} : { durationMs: Number(callback.CallDuration) * 1000 }),
          },
        }),
      ];
  }
}

type FollowUp = { kind: 'none' } | { kind: 'answered' } | { kind: 'ended'; reason: 'completed' | 'abandoned' | 'failed' };

/** The CallStatus table of the README. */
export function followUp(status: TwilioCallStatus): FollowUp {
  switch (status) {
    case 'queued':
    case 'initiated':
    case 'ringing':
      return { kind: 'none' };
    case 'in-progress':
      return { kind: 'answered' };
    case 'completed':
      return { kind: 'ended', reason: 'completed' };
    case 'canceled':
      return { kind: 'ended', reason: 'abandoned' };
    case 'busy':
    case 'no-answer':
    case 'failed':
      return { kind: 'ended', reason: 'failed' };
  }
}

function attributes(callback: TwilioStatusCallback): Record<string, string> {
  const out: Record<string, string> = { accountSid: callback.AccountSid };
  if (callback.From) out['from'] = callback.From;
  if (callback.To) out['to'] = callback.To;
  if (callback.Direction) out['twilioDirection'] = callback.Direction;
  if (callback.ForwardedFrom) out['forwardedFrom'] = callback.ForwardedFrom;
  if (callback.ParentCallSid) out['parentCallSid'] = callback.ParentCallSid;
  return out;
}

/** Twilio's Timestamp (RFC 2822, e.g. "Mon, 16 Aug 2010 03:45:01 +0000") as RFC 3339, else the arrival time. */
export function eventTime(timestamp: string | undefined, fallback: Date): string {
  const parsed = timestamp ? Date.parse(timestamp) : Number.NaN;
  return new Date(Number.isFinite(parsed) ? parsed : fallback.getTime()).toISOString();
}
