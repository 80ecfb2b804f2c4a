import type { Logger } from '@nestjs/common';
import type { StreamDefinition } from '@switchboard/contracts';
import { ensureConsumer, type DeadLetterSink, errorMessage, type Namer } from '@switchboard/platform';
import { AckPolicy, DeliverPolicy, nanos, ReplayPolicy, type ConsumerConfig, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import { decodeArchiveRow } from './archive-row';
import type { ArchiveRepository, ArchiveRow } from './archive.repository';

export interface ArchiveStreamWriterOptions {
  nc: NatsConnection;
  names: Namer;
  service: string;
  stream: StreamDefinition;
  archive: Pick<ArchiveRepository, 'insertBatch'>;
  deadLetters: DeadLetterSink;
  batchSize: number;
  flushMs: number;
  ackWaitMs: number;
  logger: Pick<Logger, 'log' | 'warn' | 'error'>;
}

interface Pending {
  msg: JsMsg;
  row: ArchiveRow;
}

const RESTART_DELAY_MS = 1000;
const RETRY_DELAY_MS = 1000;
const decoder = new TextDecoder();

/**
 * One durable pull consumer of one stream, writing its messages to the archive in batches: a batch is
 * written when it holds `batchSize` rows or its first row has waited `flushMs`; its messages are acked
 * only once the INSERT committed (an event archived twice by a redelivery is skipped by its unique id).
 */
export class ArchiveStreamWriter {
  readonly durable: string;
  private readonly streamName: string;
  private readonly config: Partial<ConsumerConfig> & { durable_name: string };
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private buffer: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: ArchiveStreamWriterOptions) {
    const { names, stream, batchSize } = options;
    const [filter] = stream.subjects;
    if (!filter) throw new Error(`Stream ${stream.name} has no subject`);
    this.durable = `${options.service}-archive-${stream.name.toLowerCase()}`;
    this.streamName = names.stream(stream.name);
    this.config = {
      durable_name: names.durable(this.durable),
      description: `${this.durable}: every event, archived`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      replay_policy: ReplayPolicy.Instant,
      filter_subject: names.subject(filter),
      ack_wait: nanos(options.ackWaitMs),
      // The archive retries a failing database forever: an accepted event is never dropped.
      max_deliver: -1,
      max_ack_pending: batchSize * 4,
    };
  }

  async start(): Promise<void> {
    await ensureConsumer(await this.options.nc.jetstreamManager(), this.streamName, this.config);
    this.messages = await this.subscribe();
    this.loop = this.run(this.messages);
  }

  /** Stops pulling, writes what is buffered and waits (up to `graceMs`) for the writes in flight. */
  async stop(graceMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    void this.messages?.close();
    await this.loop;
    const done = this.flush();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  private async subscribe(): Promise<ConsumerMessages> {
    const consumer = await this.options.nc.jetstream().consumers.get(this.streamName, this.config.durable_name);
    // Abort when the stream or the durable disappears, so that the loop re-creates the durable once the stream is back.
    return consumer.consume({ max_messages: this.options.batchSize * 2, abort_on_missing_resource: true });
  }

  private async run(first: ConsumerMessages): Promise<void> {
    let messages = first;
    for (;;) {
      try {
        for await (const msg of messages) {
          if (this.stopping) break;
          await this.accept(msg);
        }
      } catch (error) {
        if (!this.stopping) this.options.logger.error(`${this.durable}: pulling failed: ${describe(error)}`);
      }
      if (this.stopping || this.options.nc.isClosed()) return;
      await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
      if (this.stopping || this.options.nc.isClosed()) return;
      try {
        await ensureConsumer(await this.options.nc.jetstreamManager(), this.streamName, this.config);
        messages = this.messages = await this.subscribe();
      } catch (error) {
        this.options.logger.error(`${this.durable}: could not resume pulling: ${describe(error)}`);
      }
    }
  }

  private async accept(msg: JsMsg): Promise<void> {
    const payload = decoder.decode(msg.data);
    const decoded = decodeArchiveRow(payload, msg.info.stream, msg.seq);
    if (!decoded.ok) {
      await this.deadLetter(msg, payload, decoded.message, decoded.eventId, decoded.type);
      return;
    }
    this.buffer.push({ msg, row: decoded.row });
    if (this.buffer.length >= this.options.batchSize) {
      // Waiting here stops pulling until the batch is written: the database sets the pace.
      await this.flush();
    } else {
      this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs);
    }
  }

  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length > 0) this.chain = this.chain.then(() => this.write(batch));
    return this.chain;
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      await this.options.archive.insertBatch(batch.map((p) => p.row));
    } catch (error) {
      if (isDataError(error) && batch.length > 1) {
        // One row the database refuses must not hold back the others: write them one by one.
        for (const pending of batch) await this.write([pending]);
        return;
      }
      const [only] = batch;
      if (isDataError(error) && only) {
        await this.deadLetter(only.msg, only.row.json, `the database refuses the event: ${describe(error)}`, only.row.eventId, only.row.type);
        return;
      }
      this.options.logger.warn(`${this.durable}: writing ${batch.length} event(s) failed, redelivering in ${RETRY_DELAY_MS} ms: ${describe(error)}`);
      for (const { msg } of batch) settle(() => msg.nak(RETRY_DELAY_MS));
      return;
    }
    for (const { msg } of batch) settle(() => msg.ack());
  }

  private async deadLetter(msg: JsMsg, payload: string, message: string, eventId?: string, type?: string): Promise<void> {
    try {
      await this.options.deadLetters.send({
        service: this.options.service,
        consumer: this.durable,
        reason: 'invalid',
        error: { message, code: 'INTAKE.NOT_ARCHIVABLE' },
        stream: msg.info.stream,
        subject: msg.subject,
        streamSequence: msg.seq,
        deliveryCount: msg.info.redeliveryCount,
        ...(eventId === undefined ? {} : { eventId }),
        ...(type === undefined ? {} : { type }),
        headers: headerRecord(msg),
        payload,
        failedAt: new Date().toISOString(),
      });
    } catch (error) {
      this.options.logger.error(`${this.durable}: could not dead-letter ${msg.info.stream}#${msg.seq}: ${describe(error)}`);
      settle(() => msg.nak(RETRY_DELAY_MS));
      return;
    }
    this.options.logger.warn(`${this.durable}: dead-lettered ${msg.info.stream}#${msg.seq}: ${message}`);
    settle(() => msg.term());
  }
}

function headerRecord(msg: Pick<JsMsg, 'headers'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of msg.headers?.keys() ?? []) out[key] = msg.headers?.get(key) ?? '';
  return out;
}

/** Postgres "data exception" (class 22, e.g. an untranslatable character): retrying cannot help. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } })?.driverError?.code ?? (error as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('22');
}

function settle(action: () => void): void {
  try {
    action();
  } catch {
    // Connection gone: JetStream redelivers after the ack wait.
  }
}

function describe(error: unknown): string {
  return errorMessage(error);
}
