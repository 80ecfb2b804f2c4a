import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { parseCloudEvent, type AnyCloudEvent } from '@switchboard/contracts';
import { NATS_CONNECTION, namespacedSubject, PLATFORM_CONFIG, type PlatformConfig } from '@switchboard/platform';
import type { NatsConnection, Subscription } from 'nats';

/** Event types the live stream carries. */
export const STREAM_TYPES = [
  'analytics.kpi_snapshot',
  'analytics.sla_breached',
  'analytics.abuse_detected',
  'analytics.wellbeing_changed',
  'analytics.churn_risk_changed',
  'analytics.kudos',
  'agent.state_changed',
] as const;
export type StreamType = (typeof STREAM_TYPES)[number];

export interface StreamClient {
  tenant: string;
  accepts(event: AnyCloudEvent): boolean;
  send(event: AnyCloudEvent): void;
  close(): void;
}

interface TenantFeed {
  clients: Set<StreamClient>;
  subscriptions: Subscription[];
}

const decoder = new TextDecoder();
const TYPES: ReadonlySet<string> = new Set(STREAM_TYPES);

/**
 * Fans the tenant's analytics events and agent state changes out to the live-stream clients this replica holds. Every
 * replica subscribes (core NATS) to the subjects of the tenants it has clients for, so whichever replica published an
 * event, every client hears it; a tenant's subscriptions exist only while it has clients here.
 */
@Injectable()
export class LiveStreamHub implements BeforeApplicationShutdown {
  private readonly logger = new Logger('LiveStream');
  private readonly feeds = new Map<string, TenantFeed>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /** Adds a client; the returned function removes it. */
  join(client: StreamClient): () => void {
    let feed = this.feeds.get(client.tenant);
    if (!feed) {
      feed = { clients: new Set(), subscriptions: this.subscribe(client.tenant) };
      this.feeds.set(client.tenant, feed);
    }
    feed.clients.add(client);
    const joined = feed;
    return () => {
      joined.clients.delete(client);
      if (joined.clients.size === 0 && this.feeds.get(client.tenant) === joined) {
        this.feeds.delete(client.tenant);
        for (const subscription of joined.subscriptions) subscription.unsubscribe();
      }
    };
  }

  get clientCount(): number {
    let count = 0;
    for (const feed of this.feeds.values()) count += feed.clients.size;
    return count;
  }

  /** Ends every stream before the HTTP server closes (open streams would keep it from closing). */
  beforeApplicationShutdown(): void {
    for (const feed of [...this.feeds.values()]) for (const client of [...feed.clients]) client.close();
  }

  private subscribe(tenant: string): Subscription[] {
    const namespace = this.config.nats.namespace;
    return [`cc.${tenant}.analytics.>`, `cc.${tenant}.agent.state_changed`].map((subject) =>
      this.nc.subscribe(namespacedSubject(namespace, subject), { callback: (error, msg) => (error ? undefined : this.deliver(tenant, msg.data)) }),
    );
  }

  private deliver(tenant: string, raw: Uint8Array): void {
    const feed = this.feeds.get(tenant);
    if (!feed) return;
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(raw));
    } catch {
      return;
    }
    const parsed = parseCloudEvent(json);
    if (!parsed.success || parsed.event.tenantid !== tenant || !TYPES.has(parsed.event.type)) {
      if (!parsed.success) this.logger.warn(`ignored an invalid event on the ${tenant} feed`);
      return;
    }
    for (const client of feed.clients) if (client.accepts(parsed.event)) client.send(parsed.event);
  }
}
