import type { AnyCloudEvent } from '@switchboard/contracts';
import { ReconnectingClient, type ReconnectingClientOptions } from '../reconnecting-client';
import { AmiCallMapper } from './ami-mapper';
import { AmiParser, type AmiMessage } from './ami-parser';
import { errorMessage } from '@switchboard/platform';

export interface AmiClientOptions extends ReconnectingClientOptions {
  tenantId: string;
  username: string;
  secret: string;
  /** Mapped events, in the order their AMI events arrived. */
  onEvents(events: AnyCloudEvent[]): void;
  /** Interval of the keep-alive `Ping` action (a silent connection is dropped after three). */
  pingMs?: number;
}

const LOGIN_ID = 'switchboard-login';
const PING_ID = 'switchboard-ping';

/**
 * Asterisk Manager Interface client: waits for the banner, logs in (`Action: Login`, call and agent
 * events), maps the events of the stream and keeps the connection alive with pings. Reconnects with
 * backoff (see ReconnectingClient); the call mapper outlives a reconnect so a call's hangup still maps.
 */
export class AmiClient extends ReconnectingClient {
  private readonly parser: AmiParser;
  private readonly mapper: AmiCallMapper;
  private loggedIn = false;
  private pinger: NodeJS.Timeout | undefined;
  private lastSeen = 0;

  constructor(private readonly ami: AmiClientOptions) {
    super(ami);
    this.mapper = new AmiCallMapper(ami.tenantId);
    this.parser = new AmiParser(
      (message) => this.onMessage(message),
      () => this.login(),
    );
  }

  protected onConnected(): void {
    this.lastSeen = Date.now();
  }

  protected onData(chunk: Buffer): void {
    this.lastSeen = Date.now();
    try {
      this.parser.push(chunk);
    } catch (error) {
      this.fail(`unreadable AMI stream: ${errorMessage(error)}`);
    }
  }

  protected onClosed(): void {
    clearInterval(this.pinger);
    this.parser.reset();
    this.loggedIn = false;
  }

  private login(): void {
    this.write(`Action: Login\r\nActionID: ${LOGIN_ID}\r\nUsername: ${this.ami.username}\r\nSecret: ${this.ami.secret}\r\nEvents: call,agent\r\n\r\n`);
  }

  private onMessage(message: AmiMessage): void {
    if (!this.loggedIn) {
      if (message['ActionID'] !== LOGIN_ID || message['Response'] === undefined) return;
      if (message['Response'].toLowerCase() !== 'success') {
        this.fail(`login refused: ${message['Message'] ?? message['Response']}`, 'auth_failed');
        return;
      }
      this.loggedIn = true;
      this.authenticated();
      this.startPinging();
      return;
    }
    if (message['Event'] === undefined) return;
    let events: AnyCloudEvent[];
    try {
      events = this.mapper.map(message);
    } catch (error) {
      this.ami.logger.warn(`AMI ${message['Event']} event could not be mapped: ${errorMessage(error)}`);
      return;
    }
    if (events.length > 0) this.ami.onEvents(events);
  }

  private startPinging(): void {
    const every = this.ami.pingMs ?? 20_000;
    this.pinger = setInterval(() => {
      if (Date.now() - this.lastSeen > every * 3) {
        this.fail('no traffic from Asterisk (pings unanswered)');
        return;
      }
      this.write(`Action: Ping\r\nActionID: ${PING_ID}\r\n\r\n`);
    }, every);
    this.pinger.unref();
  }
}
