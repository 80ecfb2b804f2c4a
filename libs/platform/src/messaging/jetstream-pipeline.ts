import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from 'nats';

export interface PipelineAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}

/** A JetStream publish that was not stored: the server's error, no stream for the subject, or no answer in time. */
export class PipelinePublishError extends Error {
  constructor(
    message: string,
    readonly code: 'NO_RESPONDERS' | 'TIMEOUT' | 'API_ERROR' | 'CLOSED',
    readonly apiErrorCode?: number,
  ) {
    super(message);
    this.name = 'PipelinePublishError';
  }
}

interface Waiting {
  resolve(ack: PipelineAck): void;
  reject(error: Error): void;
  deadline: number;
}

const decoder = new TextDecoder();

/**
 * JetStream publishes whose acks come back on one wildcard subscription of this connection, matched by
 * reply subject. `js.publish` makes every publish a request of its own (a token, a timer, a mux entry
 * and, in nats.js 2.x, an Error built on every completion); at thousands of publishes a second that
 * bookkeeping and its garbage cost more than the publish. Here a publish is one `nc.publish` with a
 * reply subject and one map entry; one sweep a second fails those older than the timeout.
 */
export class JetStreamPipeline {
  private readonly prefix = createInbox();
  private readonly waiting = new Map<string, Waiting>();
  private subscription: Subscription | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private sequence = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = 5000,
  ) {}

  publish(subject: string, data: Uint8Array, headers: MsgHdrs): Promise<PipelineAck> {
    if (this.nc.isClosed()) return Promise.reject(new PipelinePublishError('the connection is closed', 'CLOSED'));
    this.start();
    const token = (this.sequence++).toString(36);
    return new Promise<PipelineAck>((resolve, reject) => {
      this.waiting.set(token, { resolve, reject, deadline: Date.now() + this.timeoutMs });
      try {
        this.nc.publish(subject, data, { reply: `${this.prefix}.${token}`, headers });
      } catch (error) {
        this.waiting.delete(token);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Stops listening; publishes still waiting fail. */
  close(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.failAll(() => true, 'the publisher was closed', 'CLOSED');
  }

  private start(): void {
    if (this.subscription) return;
    this.subscription = this.nc.subscribe(`${this.prefix}.*`, { callback: (error, msg) => (error ? undefined : this.settle(msg)) });
    this.sweeper = setInterval(() => {
      const now = Date.now();
      this.failAll((w) => w.deadline <= now, `no JetStream acknowledgement within ${this.timeoutMs} ms`, 'TIMEOUT');
    }, Math.min(1000, this.timeoutMs));
    this.sweeper.unref();
  }

  private settle(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length + 1);
    const waiting = this.waiting.get(token);
    if (!waiting) return;
    this.waiting.delete(token);
    if (msg.headers?.hasError) {
      waiting.reject(
        msg.headers.code === 503
          ? new PipelinePublishError('no stream stores this subject (no responders)', 'NO_RESPONDERS')
          : new PipelinePublishError(`JetStream answered ${msg.headers.code} ${msg.headers.description}`, 'API_ERROR'),
      );
      return;
    }
    let reply: { stream?: string; seq?: number; duplicate?: boolean; error?: { code?: number; err_code?: number; description?: string } };
    try {
      reply = JSON.parse(decoder.decode(msg.data)) as typeof reply;
    } catch {
      waiting.reject(new PipelinePublishError('JetStream answered with something that is not JSON', 'API_ERROR'));
      return;
    }
    if (reply.error || typeof reply.stream !== 'string' || reply.stream === '' || typeof reply.seq !== 'number') {
      const description = reply.error?.description ?? 'invalid acknowledgement';
      waiting.reject(new PipelinePublishError(`JetStream refused the message: ${description}`, 'API_ERROR', reply.error?.err_code));
      return;
    }
    waiting.resolve({ stream: reply.stream, seq: reply.seq, duplicate: reply.duplicate === true });
  }

  private failAll(which: (w: Waiting) => boolean, message: string, code: PipelinePublishError['code']): void {
    for (const [token, waiting] of this.waiting) {
      if (!which(waiting)) continue;
      this.waiting.delete(token);
      waiting.reject(new PipelinePublishError(message, code));
    }
  }
}
