import type { NotificationRecord } from '../notifications/notification.repository';

/** What a WebSocket client receives for one notification (also the inbox item shape). */
export function toWire(n: NotificationRecord): Record<string, unknown> {
  return {
    type: 'notification',
    id: n.id,
    cursor: n.seq,
    kind: n.kind,
    eventType: n.eventType,
    severity: n.severity,
    eventId: n.sourceEventId,
    eventTime: n.eventTime,
    createdAt: n.createdAt,
    ackedAt: n.ackedAt,
    data: n.payload,
  };
}
