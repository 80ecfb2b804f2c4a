import type { Logger } from '@nestjs/common';
import { connect, type Socket } from 'node:net';
import type { ConnectionState } from '../integrations/connection-status';

export interface ReconnectingClientOptions {
  host: string;
  port: number;
  backoff: { baseMs: number; maxMs: number };
  /** Longest wait for the connection and the login exchange. */
  handshakeTimeoutMs?: number;
  logger: Pick<Logger, 'log' | 'warn' | 'error' | 'debug'>;
  onStatus(state: ConnectionState, detail?: string): void;
  random?: () => number;
}

/**
 * A TCP client of a vendor's event socket that stays connected: it reconnects after every loss with
 * exponential backoff (full jitter, reset after a successful login) until stopped. Subclasses speak the
 * protocol: they log in when connected, parse what arrives and call `authenticated()` or `fail()`.
 */
export abstract class ReconnectingClient {
  private socket: Socket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = true;
  private paused = false;
  /** The last failure: reported until a login succeeds, so that a refused password stays visible across retries. */
  private lastFailure: { state: ConnectionState; detail: string } | undefined;

  protected constructor(protected readonly options: ReconnectingClientOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.handshakeTimer);
    this.socket?.destroy();
    this.socket = undefined;
  }

  /** Stops reading from the socket (the vendor buffers, then TCP pushes back) until `resume()`. */
  pause(): void {
    this.paused = true;
    this.socket?.pause();
  }

  resume(): void {
    this.paused = false;
    this.socket?.resume();
  }

  protected abstract onConnected(): void;
  protected abstract onData(chunk: Buffer): void;
  /** The connection is gone: forget per-connection protocol state. */
  protected abstract onClosed(): void;

  protected write(text: string): void {
    this.socket?.write(text);
  }

  /** The login succeeded: the connection is established and the backoff starts over. */
  protected authenticated(): void {
    clearTimeout(this.handshakeTimer);
    this.attempt = 0;
    this.lastFailure = undefined;
    this.options.logger.log(`connected to ${this.options.host}:${this.options.port}`);
    this.options.onStatus('connected');
  }

  /** Drops the connection (it is retried with backoff). */
  protected fail(detail: string, state: ConnectionState = 'disconnected'): void {
    this.options.logger.warn(`${this.options.host}:${this.options.port}: ${detail}`);
    this.lastFailure = { state, detail };
    this.options.onStatus(state, detail);
    this.socket?.destroy();
  }

  private connect(): void {
    if (this.stopped) return;
    if (!this.lastFailure) this.options.onStatus('connecting');
    const socket = connect({ host: this.options.host, port: this.options.port });
    this.socket = socket;
    if (this.paused) socket.pause();
    this.handshakeTimer = setTimeout(() => this.fail('no login within the handshake timeout'), this.options.handshakeTimeoutMs ?? 10_000);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('connect', () => this.onConnected());
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: Error) => {
      this.options.logger.debug(`${this.options.host}:${this.options.port}: ${error.message}`);
      this.lastFailure ??= { state: 'disconnected', detail: error.message };
    });
    socket.on('close', () => {
      clearTimeout(this.handshakeTimer);
      if (this.socket === socket) this.socket = undefined;
      this.onClosed();
      if (this.stopped) return;
      const ceiling = Math.min(this.options.backoff.maxMs, this.options.backoff.baseMs * 2 ** Math.min(this.attempt, 20));
      const delay = Math.max(1, Math.round(ceiling / 2 + (this.options.random ?? Math.random)() * (ceiling / 2)));
      this.attempt++;
      const failure = this.lastFailure ?? { state: 'disconnected' as const, detail: 'connection lost' };
      this.options.onStatus(failure.state, `${failure.detail}; reconnecting in ${delay} ms`);
      this.timer = setTimeout(() => this.connect(), delay);
    });
  }
}
