import { deadLetterSubject, DEAD_LETTER_STREAM } from '@switchboard/contracts';
import { headers as natsHeaders, type JetStreamClient } from 'nats';
import type { Namer } from './naming';

export type DeadLetterReason = 'invalid' | 'poison' | 'max_deliveries';

/** What the dead letter stream keeps about a message a consumer gave up on (JSON, on `dlq.<service>.<consumer>`). */
export interface DeadLetterRecord {
  service: string;
  consumer: string;
  reason: DeadLetterReason;
  error: { message: string; code?: string; issues?: { path: string; message: string }[] };
  /** Stream and subject the message came from. */
  stream: string;
  subject: string;
  streamSequence: number;
  deliveryCount: number;
  eventId?: string;
  type?: string;
  headers: Record<string, string>;
  /** The original message body, verbatim. */
  payload: string;
  failedAt: string;
}

export interface DeadLetterSink {
  /** Resolves once JetStream has stored the record; rejects otherwise (the caller must then not term the message). */
  send(record: DeadLetterRecord): Promise<void>;
}

const encoder = new TextEncoder();

/**
 * Publishes dead letter records to the (namespaced) dead letter stream. The message id names the
 * consumer, the stream and the sequence, so dead-lettering the same message twice (a lost term and a
 * redelivery) stores one record, while two consumers giving up on one message store one each.
 */
export class JetStreamDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly js: JetStreamClient,
    private readonly names: Namer,
  ) {}

  async send(record: DeadLetterRecord): Promise<void> {
    const h = natsHeaders();
    h.set('dlq-reason', record.reason);
    h.set('dlq-stream', record.stream);
    h.set('dlq-sequence', String(record.streamSequence));
    if (record.eventId) h.set('ce-id', record.eventId);
    await this.js.publish(this.names.subject(deadLetterSubject(record.service, record.consumer)), encoder.encode(JSON.stringify(record)), {
      msgID: deadLetterMessageId(record),
      headers: h,
      expect: { streamName: this.names.stream(DEAD_LETTER_STREAM.name) },
    });
  }
}

export function deadLetterMessageId(record: Pick<DeadLetterRecord, 'stream' | 'streamSequence' | 'consumer'>): string {
  return `${record.stream}:${record.streamSequence}:${record.consumer}`;
}
