import { createEvent, type AnyCloudEvent } from '@switchboard/contracts';
import { customerOf } from '../../mapping/customer';
import { CONTROL_CHARACTER } from '../../mapping/ids';

export const FREESWITCH_SOURCE = '/intake/freeswitch';

export type EslMapped = { events: AnyCloudEvent[] } | { ignored: string };

export interface EslMappingContext {
  tenantId: string;
  defaultQueueId: string;
  now: Date;
}

/** Hangup causes that mean the call could not be completed (rather than that the caller left). */
const FAILURE_CAUSES = new Set([
  'USER_BUSY', 'NO_ANSWER', 'NO_USER_RESPONSE', 'CALL_REJECTED', 'UNALLOCATED_NUMBER', 'NO_ROUTE_DESTINATION', 'NUMBER_CHANGED',
  'DESTINATION_OUT_OF_ORDER', 'INVALID_NUMBER_FORMAT', 'NETWORK_OUT_OF_ORDER', 'NORMAL_TEMPORARY_FAILURE', 'SWITCH_CONGESTION',
  'REQUESTED_CHAN_UNAVAIL', 'INCOMPATIBLE_DESTINATION', 'RECOVERY_ON_TIMER_EXPIRE', 'MEDIA_TIMEOUT', 'GATEWAY_DOWN', 'PROGRESS_TIMEOUT',
]);
const TRANSFER_CAUSES = new Set(['BLIND_TRANSFER', 'ATTENDED_TRANSFER']);

/**
 * Maps one FreeSWITCH channel event (its decoded headers) onto canonical events (README table). The
 * interaction is the inbound caller leg (`Channel-Call-UUID`, else `Unique-ID`); the agent leg contributes
 * the answer. Ids derive from the tenant, the call and the step (hold and resume from the event's
 * timestamp), so the same event seen twice publishes once, and the hangup repeats `interaction.created`
 * with the same id in case the creation was missed.
 */
export function mapFreeswitchEvent(h: Record<string, string>, context: EslMappingContext): EslMapped {
  const name = h['Event-Name'];
  if (!name) return { ignored: 'not a FreeSWITCH event (no Event-Name)' };
  const uuid = h['Unique-ID'];
  if (!uuid) return { ignored: `${name} without Unique-ID` };
  const callUuid = h['Channel-Call-UUID'] || uuid;
  if (CONTROL_CHARACTER.test(callUuid) || callUuid.length > 100) return { ignored: `${name} with an unusable call UUID` };
  const inboundLeg = (h['Call-Direction'] ?? '').toLowerCase() === 'inbound' && callUuid === uuid;
  const interactionId = `freeswitch-${callUuid}`.slice(0, 128);
  const time = eventTime(h['Event-Date-Timestamp'], context.now);
  const base = { tenantid: context.tenantId, source: FREESWITCH_SOURCE, time };
  const id = (step: string) => `freeswitch:${context.tenantId}:${callUuid}:${step}`;

  const created = () =>
    createEvent({
      ...base,
      type: 'interaction.created',
      id: id('created'),
      time: eventTime(h['Caller-Channel-Created-Time'], new Date(time)),
      data: {
        interactionId,
        channel: 'voice',
        direction: 'inbound',
        queueId: (h['variable_sb_queue_id'] || h['variable_cc_queue'] || context.defaultQueueId).slice(0, 128),
        customer: customerOf(h['Caller-Caller-ID-Number'] ?? h['Caller-ANI'], h['Caller-Caller-ID-Name'], interactionId),
        externalId: callUuid,
        attributes: attributesOf(h),
      },
    });
  const answered = (agentId: string | undefined) =>
    createEvent({ ...base, type: 'interaction.answered', id: id('answered'), data: { interactionId, ...(agentId ? { agentId: agentId.slice(0, 128) } : {}) } });

  switch (name) {
    case 'CHANNEL_CREATE':
      return inboundLeg ? { events: [created()] } : { ignored: 'CHANNEL_CREATE of an outbound leg' };
    case 'CHANNEL_ANSWER':
      // The caller leg is answered by the switch (IVR, queue music); the call is answered when the agent leg is.
      if (inboundLeg || callUuid === uuid) return { ignored: 'CHANNEL_ANSWER of the caller leg' };
      return { events: [answered(h['variable_sb_agent_id'] || h['variable_cc_agent'] || h['Caller-Destination-Number'])] };
    case 'CHANNEL_BRIDGE':
      if (!inboundLeg) return { ignored: 'CHANNEL_BRIDGE of an outbound leg' };
      return { events: [answered(h['variable_sb_agent_id'] || h['variable_cc_agent'] || h['Other-Leg-Callee-ID-Number'] || sipUser(h['Other-Leg-Destination-Number']))] };
    case 'CHANNEL_HOLD':
    case 'CHANNEL_UNHOLD': {
      const held = name === 'CHANNEL_HOLD';
      const given = h['Event-Date-Timestamp'];
      const stamp = given && /^\d{1,20}$/.test(given) ? given : String(context.now.getTime() * 1000);
      return {
        events: [createEvent({ ...base, type: held ? 'interaction.held' : 'interaction.resumed', id: id(`${held ? 'held' : 'resumed'}:${stamp}`), data: { interactionId } })],
      };
    }
    case 'CHANNEL_HANGUP_COMPLETE': {
      if (!inboundLeg) return { ignored: 'CHANNEL_HANGUP_COMPLETE of an outbound leg' };
      const durationS = Number(h['variable_duration']);
      const holdS = Number(h['variable_hold_accum_seconds']);
      const ended = createEvent({
        ...base,
        type: 'interaction.ended',
        id: id('ended'),
        data: {
          interactionId,
          reason: endReason(h),
          ...(Number.isFinite(durationS) && durationS >= 0 && h['variable_duration'] ? { durationMs: Math.round(durationS * 1000) } : {}),
          ...(Number.isFinite(holdS) && holdS > 0 ? { holdMs: Math.round(holdS * 1000) } : {}),
        },
      });
      return { events: [created(), ended] };
    }
    default:
      return { ignored: `${name} has no canonical counterpart` };
  }
}

function endReason(h: Record<string, string>): 'completed' | 'abandoned' | 'failed' | 'transferred' {
  const cause = (h['Hangup-Cause'] ?? h['variable_hangup_cause'] ?? '').toUpperCase();
  if (TRANSFER_CAUSES.has(cause)) return 'transferred';
  const bridged = Number(h['variable_bridge_epoch'] ?? 0) > 0 || Number(h['Caller-Channel-Bridged-Time'] ?? 0) > 0 || Boolean(h['variable_last_bridge_to']);
  if (bridged) return 'completed';
  return FAILURE_CAUSES.has(cause) ? 'failed' : 'abandoned';
}

function attributesOf(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, attr] of [['Caller-Destination-Number', 'destination'], ['Caller-Context', 'context'], ['Channel-Name', 'channel']] as const) {
    const value = h[key];
    if (value) out[attr] = value.slice(0, 4096);
  }
  return out;
}

/** `sip:1000@host;line=2` → `1000`. */
function sipUser(value: string | undefined): string | undefined {
  const match = value ? /^(?:sips?:)?([^@;]+)@/.exec(value) : null;
  return match?.[1] ?? value;
}

/** FreeSWITCH timestamps are microseconds since the epoch. */
function eventTime(micros: string | undefined, fallback: Date): string {
  const n = Number(micros);
  return new Date(Number.isFinite(n) && n > 0 ? Math.floor(n / 1000) : fallback.getTime()).toISOString();
}
