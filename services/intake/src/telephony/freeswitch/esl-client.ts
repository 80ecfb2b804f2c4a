import type { AnyCloudEvent } from '@switchboard/contracts';
import { ReconnectingClient, type ReconnectingClientOptions } from '../reconnecting-client';
import { mapFreeswitchEvent } from './esl-mapper';
import { EslParser, parsePlainEvent, type EslFrame } from './esl-parser';
import { errorMessage } from '@switchboard/platform';

export const SUBSCRIBED_EVENTS = ['CHANNEL_CREATE', 'CHANNEL_ANSWER', 'CHANNEL_BRIDGE', 'CHANNEL_HOLD', 'CHANNEL_UNHOLD', 'CHANNEL_HANGUP_COMPLETE'] as const;

export interface EslClientOptions extends ReconnectingClientOptions {
  tenantId: string;
  password: string;
  defaultQueueId: string;
  onEvents(events: AnyCloudEvent[]): void;
}

type Phase = 'auth' | 'subscribe' | 'events';

/**
 * FreeSWITCH event socket (inbound mode) client: answers `auth/request` with `auth <password>`,
 * subscribes with `event plain …` and maps the `text/event-plain` frames. Reconnects with backoff.
 */
export class EslClient extends ReconnectingClient {
  private readonly parser = new EslParser((frame) => this.onFrame(frame));
  private phase: Phase = 'auth';

  constructor(private readonly esl: EslClientOptions) {
    super(esl);
  }

  protected onConnected(): void {
    this.phase = 'auth';
  }

  protected onData(chunk: Buffer): void {
    try {
      this.parser.push(chunk);
    } catch (error) {
      this.fail(`unreadable event socket stream: ${errorMessage(error)}`);
    }
  }

  protected onClosed(): void {
    this.parser.reset();
    this.phase = 'auth';
  }

  private onFrame(frame: EslFrame): void {
    const type = frame.headers['Content-Type'];
    if (type === 'auth/request') {
      this.phase = 'auth';
      this.write(`auth ${this.esl.password}\n\n`);
      return;
    }
    if (type === 'command/reply') {
      const reply = frame.headers['Reply-Text'] ?? '';
      if (this.phase === 'auth') {
        if (!reply.startsWith('+OK')) {
          this.fail(`authentication refused: ${reply || 'no reply text'}`, 'auth_failed');
          return;
        }
        this.phase = 'subscribe';
        this.write(`event plain ${SUBSCRIBED_EVENTS.join(' ')}\n\n`);
      } else if (this.phase === 'subscribe') {
        if (!reply.startsWith('+OK')) {
          this.fail(`subscription refused: ${reply || 'no reply text'}`);
          return;
        }
        this.phase = 'events';
        this.authenticated();
      }
      return;
    }
    if (type === 'text/disconnect-notice') {
      this.fail('FreeSWITCH closed the event socket');
      return;
    }
    if (type === 'text/event-plain' && this.phase === 'events' && frame.body !== undefined) {
      const headers = parsePlainEvent(frame.body);
      if (!headers['Event-Name']) {
        this.esl.logger.warn(`rejected a text/event-plain frame that is not a FreeSWITCH event (no Event-Name; starts ${JSON.stringify(frame.body.slice(0, 40))})`);
        return;
      }
      try {
        const mapped = mapFreeswitchEvent(headers, { tenantId: this.esl.tenantId, defaultQueueId: this.esl.defaultQueueId, now: new Date() });
        if ('events' in mapped) this.esl.onEvents(mapped.events);
        else this.esl.logger.debug(`skipped: ${mapped.ignored}`);
      } catch (error) {
        this.esl.logger.warn(`${headers['Event-Name'] ?? 'event'} ${headers['Unique-ID'] ?? ''} could not be mapped: ${errorMessage(error)}`);
      }
    }
  }
}
