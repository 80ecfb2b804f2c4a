import { Injectable } from '@nestjs/common';
import { WebSocket } from 'ws';
import type { Recipient } from '../notifications/notification-plan';

const DEDUP_WINDOW = 1024;

/** One connected client: its socket and the ids it has already been sent (so nothing arrives twice). */
export class ClientSession {
  private readonly sent = new Set<string>();
  alive = true;

  constructor(
    readonly socket: WebSocket,
    readonly tenant: string,
    readonly subject: string,
    readonly recipients: readonly Recipient[],
  ) {}

  /**
   * Sends the message (a JSON text frame; a Buffer encoded once can be shared by every socket) unless
   * this id already went to this socket; true when sent.
   */
  sendOnce(id: string, message: string | Buffer): boolean {
    if (this.sent.has(id)) return false;
    this.sent.add(id);
    if (this.sent.size > DEDUP_WINDOW) {
      const oldest = this.sent.values().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(message, { binary: false });
    return true;
  }
}

/** The WebSocket clients connected to this replica, by tenant and recipient. */
@Injectable()
export class SocketRegistry {
  private readonly byKey = new Map<string, Set<ClientSession>>();

  private static key(tenant: string, recipient: string): string {
    return `${tenant}\u0000${recipient}`;
  }

  add(session: ClientSession): void {
    for (const recipient of session.recipients) {
      const key = SocketRegistry.key(session.tenant, recipient);
      let set = this.byKey.get(key);
      if (!set) this.byKey.set(key, (set = new Set()));
      set.add(session);
    }
  }

  remove(session: ClientSession): void {
    for (const recipient of session.recipients) {
      const key = SocketRegistry.key(session.tenant, recipient);
      const set = this.byKey.get(key);
      set?.delete(session);
      if (set?.size === 0) this.byKey.delete(key);
    }
  }

  sessionsFor(tenant: string, recipient: string): ReadonlySet<ClientSession> {
    return this.byKey.get(SocketRegistry.key(tenant, recipient)) ?? new Set();
  }

  all(): ClientSession[] {
    const sessions = new Set<ClientSession>();
    for (const set of this.byKey.values()) for (const s of set) sessions.add(s);
    return [...sessions];
  }
}
