import { randomUUID } from 'node:crypto';
import { createEvent, type AnyCloudEvent } from '@switchboard/contracts';
import { customerOf } from '../../mapping/customer';
import { CONTROL_CHARACTER } from '../../mapping/ids';
import type { AmiMessage } from './ami-parser';

export const ASTERISK_SOURCE = '/intake/asterisk';

interface TrackedCall {
  interactionId: string;
  answered: boolean;
  ended: boolean;
  holds: number;
  resumes: number;
  agentId?: string;
}

/** Hangup causes (Q.850) that mean the call could not be completed rather than that the caller left. */
const FAILURE_CAUSES = new Set([1, 3, 17, 18, 19, 21, 22, 27, 28, 34, 38, 41, 42, 44, 47, 58, 88, 102, 111, 127]);

/**
 * Maps AMI events of one connection onto canonical events (README table). A caller becomes an
 * interaction when it joins a queue; the channel's later events (hold, hangup) are mapped for calls the
 * connection has seen join. Event ids derive from the tenant, the channel's Uniqueid and the step, so the
 * same traffic seen twice (another replica, a reconnect) publishes once.
 */
export class AmiCallMapper {
  private readonly calls = new Map<string, TrackedCall>();

  constructor(private readonly tenantId: string) {}

  /** Calls tracked (for tests and metrics). */
  get tracked(): number {
    return this.calls.size;
  }

  map(message: AmiMessage, now: Date = new Date()): AnyCloudEvent[] {
    const name = message['Event'];
    if (!name) return [];
    const raw = message['Uniqueid'] ?? message['UniqueID'];
    const uid = raw !== undefined && !CONTROL_CHARACTER.test(raw) ? raw.slice(0, 100) : undefined;
    const time = eventTime(message, now);
    switch (name) {
      case 'QueueCallerJoin':
        return uid && message['Queue'] ? this.join(uid, message, time) : [];
      case 'AgentConnect':
        return uid ? this.answered(uid, agentOf(message), time) : [];
      case 'AgentComplete': {
        const duration = (num(message['HoldTime']) ?? 0) + (num(message['TalkTime']) ?? 0);
        const reason = (message['Reason'] ?? '').toLowerCase() === 'transfer' ? 'transferred' : 'completed';
        return uid ? this.ended(uid, reason, time, duration * 1000, agentOf(message)) : [];
      }
      case 'QueueCallerAbandon':
        return uid ? this.ended(uid, 'abandoned', time, (num(message['HoldTime']) ?? 0) * 1000) : [];
      case 'Hangup': {
        const call = uid ? this.calls.get(uid) : undefined;
        if (!call || !uid) return [];
        const cause = num(message['Cause']) ?? 16;
        const reason = call.answered ? 'completed' : FAILURE_CAUSES.has(cause) ? 'failed' : 'abandoned';
        const events = this.ended(uid, reason, time);
        this.calls.delete(uid);
        return events;
      }
      case 'Hold':
      case 'MusicOnHoldStart':
        return uid ? this.hold(uid, 'held', time) : [];
      case 'Unhold':
      case 'MusicOnHoldStop':
        return uid ? this.hold(uid, 'resumed', time) : [];
      case 'QueueMemberPause':
        return this.pause(message, time);
      default:
        return [];
    }
  }

  private id(uid: string, step: string): string {
    return `asterisk:${this.tenantId}:${uid}:${step}`;
  }

  private join(uid: string, m: AmiMessage, time: string): AnyCloudEvent[] {
    const interactionId = `asterisk-${uid}`.slice(0, 128);
    if (!this.calls.has(uid)) this.calls.set(uid, { interactionId, answered: false, ended: false, holds: 0, resumes: 0 });
    const caller = m['CallerIDNum'];
    const attributes: Record<string, string> = {};
    for (const [key, attr] of [['Channel', 'channel'], ['Position', 'position'], ['Linkedid', 'linkedid'], ['Exten', 'exten'], ['Context', 'context']] as const) {
      const value = m[key];
      if (value) attributes[attr] = value.slice(0, 4096);
    }
    return [
      createEvent({
        type: 'interaction.created',
        id: this.id(uid, 'created'),
        tenantid: this.tenantId,
        source: ASTERISK_SOURCE,
        time,
        data: {
          interactionId,
          channel: 'voice',
          direction: 'inbound',
          queueId: (m['Queue'] ?? 'default').slice(0, 128),
          customer: customerOf(caller, unknownToUndefined(m['CallerIDName']), interactionId),
          externalId: uid,
          ...(m['Language'] && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(m['Language']) ? { language: m['Language'] } : {}),
          attributes,
        },
      }),
    ];
  }

  private answered(uid: string, agentId: string | undefined, time: string): AnyCloudEvent[] {
    const call = this.calls.get(uid);
    if (!call || call.answered) return [];
    call.answered = true;
    if (agentId) call.agentId = agentId;
    return [
      createEvent({
        type: 'interaction.answered',
        id: this.id(uid, 'answered'),
        tenantid: this.tenantId,
        source: ASTERISK_SOURCE,
        time,
        data: { interactionId: call.interactionId, ...(agentId ? { agentId } : {}) },
      }),
    ];
  }

  private ended(uid: string, reason: 'completed' | 'abandoned' | 'failed' | 'transferred', time: string, durationMs?: number, agentId?: string): AnyCloudEvent[] {
    const call = this.calls.get(uid);
    if (!call || call.ended) return [];
    call.ended = true;
    const agent = agentId ?? call.agentId;
    return [
      createEvent({
        type: 'interaction.ended',
        id: this.id(uid, 'ended'),
        tenantid: this.tenantId,
        source: ASTERISK_SOURCE,
        time,
        data: {
          interactionId: call.interactionId,
          reason,
          ...(agent ? { agentId: agent } : {}),
          ...(durationMs !== undefined && Number.isFinite(durationMs) ? { durationMs: Math.max(0, Math.round(durationMs)) } : {}),
        },
      }),
    ];
  }

  private hold(uid: string, step: 'held' | 'resumed', time: string): AnyCloudEvent[] {
    const call = this.calls.get(uid);
    if (!call || call.ended) return [];
    const n = step === 'held' ? ++call.holds : ++call.resumes;
    return [
      createEvent({
        type: step === 'held' ? 'interaction.held' : 'interaction.resumed',
        id: this.id(uid, `${step}:${n}`),
        tenantid: this.tenantId,
        source: ASTERISK_SOURCE,
        time,
        data: { interactionId: call.interactionId, ...(call.agentId ? { agentId: call.agentId } : {}) },
      }),
    ];
  }

  private pause(m: AmiMessage, time: string): AnyCloudEvent[] {
    const agentId = agentOf(m);
    if (!agentId) return [];
    const paused = m['Paused'] === '1';
    const reason = m['PausedReason'] || m['Reason'];
    return [
      createEvent({
        type: 'agent.state_changed',
        // No stable identity in the event: timestamped events de-duplicate, others are unique.
        id: m['Timestamp'] ? `asterisk:${this.tenantId}:pause:${agentId}:${m['Timestamp']}:${m['Paused'] ?? ''}` : `asterisk:${this.tenantId}:pause:${randomUUID()}`,
        tenantid: this.tenantId,
        source: ASTERISK_SOURCE,
        time,
        data: { agentId, state: paused ? 'break' : 'available', ...(paused && reason ? { reason: reason.slice(0, 1000) } : {}) },
      }),
    ];
  }
}

/** The queue member: its name (e.g. `Agent/220`), else its interface (`SIP/1001`). */
function agentOf(m: AmiMessage): string | undefined {
  const value = unknownToUndefined(m['MemberName']) ?? unknownToUndefined(m['Interface']);
  return value && !CONTROL_CHARACTER.test(value) ? value.slice(0, 100) : undefined;
}

function unknownToUndefined(value: string | undefined): string | undefined {
  return value && value !== '<unknown>' ? value : undefined;
}

function num(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** AMI's optional `Timestamp: <epoch seconds>` (timestampevents=yes), else the arrival time. */
function eventTime(m: AmiMessage, now: Date): string {
  const ts = num(m['Timestamp']);
  return new Date(ts !== undefined && ts > 0 ? ts * 1000 : now.getTime()).toISOString();
}
