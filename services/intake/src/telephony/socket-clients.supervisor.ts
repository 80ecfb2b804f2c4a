import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CoalescingRunner, errorMessage, PLATFORM_CONFIG, type PlatformConfig } from '@switchboard/platform';
import { INTAKE_SETTINGS, type IntakeSettings } from '../config/intake.config';
import { IngestEventsUseCase } from '../ingestion/ingest-events.use-case';
import { ConnectionStatusRegistry } from '../integrations/connection-status';
import { IntegrationsService, type Integration } from '../integrations/integrations.service';
import { DEFAULT_QUEUE_ID } from '../webhooks/twilio/twilio-status.mapper';
import { AmiClient } from './asterisk/ami-client';
import { EventSink } from './event-sink';
import { EslClient } from './freeswitch/esl-client';
import { IntegrationLeaseRepository } from './integration-lease.repository';
import type { ReconnectingClient } from './reconnecting-client';

type SocketKind = 'asterisk' | 'freeswitch';
const SOCKET_KINDS: readonly SocketKind[] = ['asterisk', 'freeswitch'];

interface Running {
  kind: SocketKind;
  tenantId: string;
  version: number;
  client: ReconnectingClient;
  sink: EventSink;
}

/**
 * Runs one Asterisk or FreeSWITCH client per configured tenant integration, in exactly one replica at a
 * time (a Redis lease per integration, renewed every round). Settings changes start, restart or stop
 * clients at once in the replica that saved them and within INTAKE_INTEGRATION_SYNC_MS elsewhere.
 */
@Injectable()
export class SocketClientsSupervisor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SocketClients');
  private readonly owner = randomUUID();
  private readonly running = new Map<string, Running>();
  private readonly runner: CoalescingRunner;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly integrations: IntegrationsService,
    private readonly ingest: IngestEventsUseCase,
    private readonly statuses: ConnectionStatusRegistry,
    private readonly leases: IntegrationLeaseRepository,
    @Inject(INTAKE_SETTINGS) private readonly settings: IntakeSettings,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {
    this.runner = new CoalescingRunner(
      () => this.sync(),
      (error) => this.logger.error(`syncing socket clients failed: ${errorMessage(error)}`),
    );
  }

  onApplicationBootstrap(): void {
    this.unsubscribe = this.integrations.onChange(({ kind }) => {
      if ((SOCKET_KINDS as readonly string[]).includes(kind)) this.runner.kick();
    });
    this.runner.start(this.settings.integrationSyncMs, true);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.runner.stop();
    await Promise.all([...this.running.keys()].map((key) => this.stopClient(key)));
  }

  private leaseTtlMs(): number {
    return Math.max(3 * this.settings.integrationSyncMs, 1000);
  }

  private async sync(): Promise<void> {
    const wanted = new Map<string, Integration<SocketKind>>();
    for (const kind of SOCKET_KINDS) {
      for (const integration of await this.integrations.all(kind)) wanted.set(`${kind}:${integration.tenantId}`, integration);
    }
    for (const key of [...this.running.keys()]) {
      if (!wanted.has(key)) await this.stopClient(key);
    }
    for (const [key, integration] of wanted) {
      if (this.runner.isStopped) return;
      const held = await this.leases.acquire(key, this.owner, this.leaseTtlMs());
      const current = this.running.get(key);
      if (!held) {
        if (current) {
          this.logger.warn(`lost the lease of ${key} to another replica`);
          await this.stopClient(key, false);
        }
        continue;
      }
      if (current && current.version === integration.version) continue;
      if (current) await this.stopClient(key, false);
      this.startClient(key, integration);
    }
  }

  private startClient(key: string, integration: Integration<SocketKind>): void {
    const { tenantId, kind } = integration;
    const logger = new Logger(`${kind === 'asterisk' ? 'Asterisk' : 'FreeSWITCH'} ${tenantId}`);
    let client: ReconnectingClient | undefined;
    const sink = new EventSink({
      ingest: (events) => this.ingest.execute(tenantId, events, { rateLimited: false }),
      batchSize: 500,
      highWater: 10_000,
      retry: this.settings.socketBackoff,
      onPressure: (paused) => (paused ? client?.pause() : client?.resume()),
      logger,
    });
    const common = {
      tenantId,
      backoff: this.settings.socketBackoff,
      logger,
      onStatus: (state: Parameters<ConnectionStatusRegistry['set']>[2], detail?: string) => this.statuses.set(tenantId, kind, state, detail),
      onEvents: (events: Parameters<EventSink['push']>[0]) => sink.push(events),
    };
    if (integration.kind === 'asterisk') {
      const s = (integration as Integration<'asterisk'>).settings;
      client = new AmiClient({ ...common, host: s.host, port: s.port, username: s.username, secret: s.secret });
    } else {
      const s = (integration as Integration<'freeswitch'>).settings;
      client = new EslClient({ ...common, host: s.host, port: s.port, password: s.password, defaultQueueId: s.defaultQueueId ?? DEFAULT_QUEUE_ID });
    }
    this.running.set(key, { kind, tenantId, version: integration.version, client, sink });
    logger.log(`starting the ${kind} client for ${integration.settings.host}:${integration.settings.port}`);
    client.start();
  }

  private async stopClient(key: string, releaseLease = true): Promise<void> {
    const running = this.running.get(key);
    if (!running) return;
    this.running.delete(key);
    running.client.stop();
    await running.sink.close(this.config.shutdownGraceMs);
    this.statuses.clear(running.tenantId, running.kind);
    if (releaseLease) await this.leases.release(key, this.owner).catch(() => undefined);
  }
}
