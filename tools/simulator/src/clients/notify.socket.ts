import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { z } from 'zod';
import { sleepMs } from '../core/clock';

export const NOTIFICATION_KINDS = ['offer', 'offer_rescinded', 'kudos', 'alert'] as const;

/** A notification as notify's WebSocket sends it. */
export const wireNotificationSchema = z.looseObject({
  type: z.literal('notification'),
  id: z.string(),
  cursor: z.union([z.string(), z.number()]).transform(String),
  kind: z.string(),
  eventType: z.string(),
  severity: z.string(),
  eventId: z.string().optional(),
  eventTime: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
});
export type WireNotification = z.infer<typeof wireNotificationSchema>;

export const offerDataSchema = z.looseObject({
  offerId: z.string(),
  interactionId: z.string(),
  queueId: z.string(),
  expiresAt: z.string(),
  channel: z.string().optional(),
  customerId: z.string().optional(),
});
export type OfferData = z.infer<typeof offerDataSchema>;

export interface NotifySocketEvents {
  notification: [WireNotification, number];
  ready: [number];
  error: [Error];
  closed: [];
}

/**
 * A client of notify's `/v1/ws`: connects with the bearer token, acknowledges what it is told to, and
 * reconnects with the last cursor after a drop (notify replays what was missed). `notification` listeners
 * get the notification and the `performance.now()` at which its frame arrived.
 */
export class NotifySocket extends EventEmitter<NotifySocketEvents> {
  private socket: WebSocket | undefined;
  private cursor: string | undefined;
  private closing = false;
  private readonly seen = new Set<string>();

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {
    super();
  }

  /** Connects and resolves once notify said `ready` (after replaying unacknowledged items). */
  async connect(timeoutMs = 10_000): Promise<void> {
    this.closing = false;
    await this.open(timeoutMs);
  }

  private open(timeoutMs: number): Promise<void> {
    const url = new URL('/v1/ws', this.baseUrl.replace(/^http/, 'ws'));
    url.searchParams.set('access_token', this.token);
    if (this.cursor) url.searchParams.set('since', this.cursor);
    const socket = new WebSocket(url);
    this.socket = socket;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => fail(new Error(`notify WebSocket not ready within ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.terminate();
        reject(error);
      };
      socket.on('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () => fail(new Error(`notify refused the WebSocket: ${response.statusCode ?? '?'} ${body.slice(0, 300)}`)));
      });
      socket.on('error', (error) => {
        if (!settled) fail(error);
        else this.emit('error', error);
      });
      socket.on('message', (data: WebSocket.RawData) => {
        const at = performance.now();
        let message: unknown;
        try {
          message = JSON.parse(data.toString());
        } catch {
          return;
        }
        const type = (message as { type?: unknown }).type;
        if (type === 'ready') {
          if (!settled) {
            settled = true;
            clearTimeout(timer);
            resolve();
          }
          this.emit('ready', Number((message as { replayed?: unknown }).replayed ?? 0));
          return;
        }
        if (type !== 'notification') return;
        const parsed = wireNotificationSchema.safeParse(message);
        if (!parsed.success) return;
        const n = parsed.data;
        this.cursor = n.cursor;
        if (this.seen.has(n.id)) return;
        this.seen.add(n.id);
        if (this.seen.size > 10_000) this.seen.delete(this.seen.values().next().value as string);
        this.emit('notification', n, at);
      });
      socket.on('close', () => {
        if (this.socket !== socket) return;
        if (!settled) fail(new Error('notify closed the WebSocket before it was ready'));
        if (this.closing) {
          this.emit('closed');
          return;
        }
        void this.reconnect();
      });
    });
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 0; !this.closing; attempt += 1) {
      await sleepMs(Math.min(5000, 250 * 2 ** attempt));
      if (this.closing) return;
      try {
        await this.open(10_000);
        return;
      } catch (error) {
        this.emit('error', error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  ack(id: string): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'ack', id }));
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  async close(): Promise<void> {
    this.closing = true;
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.terminate();
        resolve();
      }, 2000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.close(1000, 'simulator stopping');
    });
  }
}
