import { createEvent, type AgentState, type AnyCloudEvent, type Channel } from '@switchboard/contracts';
import type { AgentEvent, AgentSnapshot, ContactEvent } from './amazon-connect.schema';

export const CONNECT_SOURCE = '/intake/amazon-connect';

/** Either the events to publish, or why nothing is published for this vendor event. */
export type Mapped = { events: AnyCloudEvent[] } | { ignored: string };

const CHANNELS: Record<string, Channel> = { VOICE: 'voice', CHAT: 'chat', EMAIL: 'email' };
const OUTBOUND = new Set(['OUTBOUND', 'CALLBACK', 'AGENT_REPLY']);

/** The last path segment of an ARN (`…/queue/<id>` → `<id>`), within the id length limit. */
export function arnId(arn: string): string {
  return (arn.split('/').filter(Boolean).pop() ?? arn).slice(0, 128);
}

/**
 * Maps a contact event (README table). A contact becomes an interaction when it is queued: every event
 * that carries queue info also publishes `interaction.created` (deterministic id, so only the first counts).
 */
export function mapContactEvent(tenantId: string, contact: ContactEvent, envelopeTime?: string): Mapped {
  const channel = CHANNELS[contact.channel.toUpperCase()];
  if (!channel) return { ignored: `channel ${contact.channel} has no canonical counterpart` };
  const interactionId = `connect-${contact.contactId}`.slice(0, 128);
  const id = (step: string) => `connect:${tenantId}:${contact.contactId}:${step}`;
  const fallbackTime = envelopeTime ?? contact.initiationTimestamp ?? new Date().toISOString();
  const queue = contact.queueInfo;
  const created = queue
    ? createEvent({
        type: 'interaction.created',
        id: id('created'),
        tenantid: tenantId,
        source: CONNECT_SOURCE,
        time: queue.enqueueTimestamp ?? fallbackTime,
        data: {
          interactionId,
          channel,
          direction: OUTBOUND.has((contact.initiationMethod ?? '').toUpperCase()) ? 'outbound' : 'inbound',
          queueId: arnId(queue.queueArn),
          customer: { id: `unknown-${interactionId}`.slice(0, 128) },
          externalId: contact.contactId,
          attributes: { initiationMethod: contact.initiationMethod ?? 'UNKNOWN', queueArn: queue.queueArn.slice(0, 4096) },
        },
      })
    : undefined;
  const agentId = contact.agentInfo?.agentArn ? arnId(contact.agentInfo.agentArn) : undefined;

  switch (contact.eventType) {
    case 'QUEUED':
      return created ? { events: [created] } : { ignored: 'QUEUED without queueInfo' };
    case 'CONNECTED_TO_AGENT': {
      if (!created) return { ignored: 'CONNECTED_TO_AGENT without queueInfo' };
      const answered = createEvent({
        type: 'interaction.answered',
        id: id('answered'),
        tenantid: tenantId,
        source: CONNECT_SOURCE,
        time: contact.agentInfo?.connectedToAgentTimestamp ?? fallbackTime,
        data: { interactionId, ...(agentId ? { agentId } : {}) },
      });
      return { events: [created, answered] };
    }
    case 'DISCONNECTED': {
      if (!created) return { ignored: 'the contact never reached a queue' };
      const end = contact.disconnectTimestamp ?? fallbackTime;
      const start = queue?.enqueueTimestamp ?? contact.initiationTimestamp;
      const durationMs = start ? Date.parse(end) - Date.parse(start) : Number.NaN;
      const ended = createEvent({
        type: 'interaction.ended',
        id: id('ended'),
        tenantid: tenantId,
        source: CONNECT_SOURCE,
        time: end,
        data: {
          interactionId,
          reason: endReason(contact),
          ...(agentId ? { agentId } : {}),
          ...(Number.isFinite(durationMs) && durationMs >= 0 ? { durationMs } : {}),
        },
      });
      return { events: [created, ended] };
    }
    default:
      return { ignored: `contact event ${contact.eventType} has no canonical counterpart` };
  }
}

function endReason(contact: ContactEvent): 'completed' | 'abandoned' | 'failed' {
  if ((contact.disconnectReason ?? '').toUpperCase() === 'TELECOM_PROBLEM') return 'failed';
  return contact.agentInfo?.connectedToAgentTimestamp || contact.agentInfo?.agentArn ? 'completed' : 'abandoned';
}

/** Maps an agent event stream record onto `agent.state_changed` when the agent's state changed. */
export function mapAgentEvent(tenantId: string, record: AgentEvent): Mapped {
  if (record.EventType === 'HEART_BEAT') return { ignored: 'HEART_BEAT carries no change' };
  const agentId = arnId(record.AgentARN);
  const state: AgentState | undefined =
    record.EventType === 'LOGOUT' ? 'offline' : record.CurrentAgentSnapshot ? agentState(record.CurrentAgentSnapshot) : undefined;
  if (!state) return { ignored: `${record.EventType} without a current agent snapshot` };
  const previousState = record.PreviousAgentSnapshot ? agentState(record.PreviousAgentSnapshot) : undefined;
  if (previousState === state) return { ignored: `agent state unchanged (${state})` };
  const statusName = record.CurrentAgentSnapshot?.AgentStatus.Name;
  return {
    events: [
      createEvent({
        type: 'agent.state_changed',
        id: `connect:${tenantId}:agent:${record.EventId}`,
        tenantid: tenantId,
        source: CONNECT_SOURCE,
        time: record.EventTimestamp,
        data: {
          agentId,
          state,
          ...(previousState ? { previousState } : {}),
          ...(state === 'break' && statusName ? { reason: statusName.slice(0, 1000) } : {}),
        },
      }),
    ],
  };
}

/** Connect status and contact states → canonical agent state (README table). */
export function agentState(snapshot: AgentSnapshot): AgentState {
  const name = snapshot.AgentStatus.Name.toLowerCase();
  if (name === 'offline') return 'offline';
  if (name !== 'available') return 'break';
  const states = (snapshot.Contacts ?? []).map((c) => (c.State ?? '').toUpperCase());
  if (states.some((s) => s === 'CONNECTED' || s === 'CONNECTED_ONHOLD' || s === 'CONNECTING' || s === 'INCOMING' || s === 'PENDING')) return 'busy';
  if (states.includes('ENDED')) return 'wrap_up';
  if (states.includes('MISSED') || states.includes('REJECTED')) return 'not_responding';
  return 'available';
}
