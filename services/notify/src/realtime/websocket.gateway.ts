import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppError, errorMessage, JwtAuthGuard, SERVICE_ENV, type Principal } from '@switchboard/platform';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { z } from 'zod';
import { Clock } from '../clock/clock';
import type { NotifyEnv } from '../config/notify.config';
import { NotificationRepository } from '../notifications/notification.repository';
import { recipientsOf } from '../notifications/recipients';
import { ClientSession, SocketRegistry } from './socket-registry';
import { toWire } from './wire-message';

export const WS_PATH = '/v1/ws';
const REPLAY_LIMIT = 500;

const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ack'), id: z.uuid() }),
  z.object({ type: z.literal('ping') }),
]);

const sinceSchema = z.string().regex(/^\d{1,18}$/, 'a cursor from a previous message');

/** `/v1/ws`: live notifications for agents and supervisors, with replay of what they missed. */
@Injectable()
export class WebSocketGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebSocket');
  // Clients send acks and pings of a few dozen bytes; a larger frame closes the socket with 1009.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly guard: JwtAuthGuard,
    private readonly registry: SocketRegistry,
    private readonly notifications: NotificationRepository,
    private readonly clock: Clock,
    @Inject(SERVICE_ENV) private readonly env: NotifyEnv,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as import('node:http').Server;
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.handleUpgrade(request, socket, head).catch((error: unknown) => {
        this.logger.warn(`upgrade failed: ${errorMessage(error)}`);
        socket.destroy();
      });
    });
    this.heartbeat = setInterval(() => this.beat(), this.env.NOTIFY_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const session of this.registry.all()) session.socket.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) {
      reject(socket, 404, { code: 'HTTP.NOT_FOUND', detail: `No WebSocket endpoint at ${url.pathname}.` });
      return;
    }
    const since = url.searchParams.get('since');
    if (since !== null && !sinceSchema.safeParse(since).success) {
      reject(socket, 400, { code: 'VALIDATION.FAILED', detail: 'since: a cursor from a previous message.' });
      return;
    }
    let principal: Principal;
    try {
      principal = await this.guard.authenticate(tokenOf(request, url));
    } catch (error) {
      const app = error instanceof AppError ? error : undefined;
      reject(socket, app?.status ?? 401, { code: app?.code ?? 'AUTH.TOKEN_INVALID', detail: app?.message ?? 'Unauthorized' });
      return;
    }
    const recipients = recipientsOf(principal);
    if (recipients.length === 0) {
      reject(socket, 403, { code: 'AUTH.ROLE_REQUIRED', detail: 'Only agents, supervisors and admins receive notifications.' });
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      void this.onConnection(ws, new ClientSession(ws, principal.tenant, principal.subject ?? principal.role, recipients), since);
    });
  }

  private async onConnection(ws: WebSocket, session: ClientSession, since: string | null): Promise<void> {
    ws.on('pong', () => (session.alive = true));
    ws.on('message', (data: RawData) => {
      this.onClientMessage(session, data).catch((error: unknown) =>
        this.send(ws, { type: 'error', code: 'NOTIFY.INTERNAL', detail: errorMessage(error) }),
      );
    });
    ws.on('close', () => this.registry.remove(session));
    ws.on('error', () => this.registry.remove(session));
    // Register first, then replay: whatever arrives meanwhile is sent once thanks to the per-socket dedup.
    this.registry.add(session);
    const missed = await this.notifications.inbox(session.tenant, session.recipients, {
      since: since ?? undefined,
      includeAcked: false,
      limit: REPLAY_LIMIT,
      asOf: this.clock.now(),
    });
    for (const n of missed) session.sendOnce(n.id, JSON.stringify(toWire(n)));
    this.send(ws, { type: 'ready', replayed: missed.length });
  }

  private async onClientMessage(session: ClientSession, data: RawData): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawToString(data));
    } catch {
      this.send(session.socket, { type: 'error', code: 'VALIDATION.FAILED', detail: 'Messages must be JSON.' });
      return;
    }
    const result = clientMessageSchema.safeParse(parsed);
    if (!result.success) {
      const fields = result.error.issues.map((i) => i.path.join('.') || 'type').join(', ');
      this.send(session.socket, { type: 'error', code: 'VALIDATION.FAILED', detail: `Invalid message: ${fields}.` });
      return;
    }
    const message = result.data;
    switch (message.type) {
      case 'ping':
        this.send(session.socket, { type: 'pong' });
        return;
      case 'ack': {
        const acked = await this.notifications.ack(session.tenant, session.recipients, message.id, session.subject, this.clock.now());
        this.send(
          session.socket,
          acked ? { type: 'acked', id: message.id } : { type: 'error', code: 'NOTIFY.NOTIFICATION_NOT_FOUND', id: message.id },
        );
        return;
      }
    }
  }

  private beat(): void {
    for (const session of this.registry.all()) {
      if (!session.alive) {
        this.registry.remove(session);
        session.socket.terminate();
        continue;
      }
      session.alive = false;
      session.socket.ping();
    }
  }

  private send(ws: WebSocket, message: Record<string, unknown>): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }
}

function tokenOf(request: IncomingMessage, url: URL): string | undefined {
  const fromQuery = url.searchParams.get('access_token');
  if (fromQuery) return fromQuery;
  const auth = request.headers['authorization'];
  const match = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  if (match?.[1]) return match[1];
  // Browsers cannot set headers: `new WebSocket(url, ['bearer', token])`.
  const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const index = protocols.indexOf('bearer');
  return index >= 0 ? protocols[index + 1] : undefined;
}

function reject(socket: Duplex, status: number, problem: { code: string; detail: string }): void {
  const body = JSON.stringify({ type: 'about:blank', title: 'Upgrade refused', status, ...problem });
  socket.end(
    `HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : status === 400 ? 'Bad Request' : status === 403 ? 'Forbidden' : 'Unauthorized'}\r\n` +
      `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
