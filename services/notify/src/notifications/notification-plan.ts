import type { AnyCloudEvent } from '@switchboard/contracts';
import type { Severity } from './severity';

/** Who a notification is for: one agent, or the tenant's supervisors (and admins) as a team. */
export type Recipient = `agent:${string}` | 'supervisors';

export const SUPERVISORS: Recipient = 'supervisors';

export function agentRecipient(agentId: string): Recipient {
  return `agent:${agentId}`;
}

export type NotificationKind = 'offer' | 'offer_rescinded' | 'kudos' | 'alert';

export interface PlannedNotification {
  recipient: Recipient;
  kind: NotificationKind;
  severity: Severity;
  payload: Record<string, unknown>;
}

/** Event types the service turns into notifications. */
export const NOTIFYING_EVENT_TYPES = [
  'routing.offered',
  'routing.offer_rescinded',
  'analytics.kudos',
  'analytics.abuse_detected',
  'analytics.wellbeing_changed',
  'analytics.sla_breached',
  'analytics.churn_risk_changed',
] as const;

/**
 * Decides who hears about an event, how urgently and with what. Events that are not worth a
 * notification (wellbeing back to ok, churn risk low…) give an empty plan.
 */
export function planNotifications(event: AnyCloudEvent, routingUrl: string): PlannedNotification[] {
  switch (event.type) {
    case 'routing.offered': {
      const d = event.data;
      const base = `${routingUrl.replace(/\/$/, '')}/v1/offers/${encodeURIComponent(d.offerId)}`;
      return [
        {
          recipient: agentRecipient(d.agentId),
          kind: 'offer',
          severity: 'high',
          payload: {
            offerId: d.offerId,
            interactionId: d.interactionId,
            queueId: d.queueId,
            expiresAt: d.expiresAt,
            channel: d.channel,
            customerId: d.customerId,
            waitMs: d.waitMs,
            acceptUrl: `${base}/accept`,
            rejectUrl: `${base}/reject`,
          },
        },
      ];
    }
    case 'routing.offer_rescinded': {
      const d = event.data;
      return [
        {
          recipient: agentRecipient(d.agentId),
          kind: 'offer_rescinded',
          severity: 'medium',
          payload: { offerId: d.offerId, interactionId: d.interactionId, reason: d.reason },
        },
      ];
    }
    case 'analytics.kudos': {
      const d = event.data;
      return [
        {
          recipient: agentRecipient(d.agentId),
          kind: 'kudos',
          severity: 'low',
          payload: { interactionId: d.interactionId, quote: d.quote },
        },
      ];
    }
    case 'analytics.abuse_detected': {
      const d = event.data;
      const alert = { alert: 'abuse_detected', interactionId: d.interactionId, agentId: d.agentId, categories: d.categories };
      const plans: PlannedNotification[] = [
        { recipient: SUPERVISORS, kind: 'alert', severity: d.severity, payload: { ...alert, quote: d.quote } },
      ];
      // The agent hears that supervisors were told; the quote stays with supervisors.
      if (d.agentId) plans.push({ recipient: agentRecipient(d.agentId), kind: 'alert', severity: d.severity, payload: alert });
      return plans;
    }
    case 'analytics.wellbeing_changed': {
      const d = event.data;
      if (d.level !== 'high' && d.level !== 'critical') return [];
      return [
        {
          recipient: SUPERVISORS,
          kind: 'alert',
          severity: d.level,
          payload: { alert: 'wellbeing', agentId: d.agentId, level: d.level, score: d.score, factors: d.factors },
        },
      ];
    }
    case 'analytics.sla_breached': {
      const d = event.data;
      return [
        {
          recipient: SUPERVISORS,
          kind: 'alert',
          severity: 'high',
          payload: { alert: 'sla_breached', queueId: d.queueId, serviceLevel: d.serviceLevel, target: d.target, window: d.window },
        },
      ];
    }
    case 'analytics.churn_risk_changed': {
      const d = event.data;
      if (d.level !== 'high') return [];
      return [
        {
          recipient: SUPERVISORS,
          kind: 'alert',
          severity: 'medium',
          payload: { alert: 'churn_risk', customerId: d.customerId, score: d.score, reasons: d.reasons, interactionId: d.interactionId },
        },
      ];
    }
    default:
      return [];
  }
}
