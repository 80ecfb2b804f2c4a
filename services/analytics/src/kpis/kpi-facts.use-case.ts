import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { CloudEvent } from '@switchboard/contracts';
import { errorMessage, IdempotencyService, SERVICE_ENV } from '@switchboard/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { ExactlyOnceBatches } from '../shared/exactly-once-batches';
import { KpiSnapshotPublisher } from './kpi-snapshot.publisher';
import type { AnalyticsEnv } from '../config/analytics.config';
import { AgentSecondsDeltas } from './agent-seconds';
import { MinuteDeltas } from './contact-minutes';
import { KpiRepository, type AgentStateFact, type ContactChange, type ContactFact } from './kpi.repository';
import { RecentQueueAgents, type QueueAgentAnswer } from './recent-queue-agents';

const CONSUMER = 'analytics-kpis';
/** Events per transaction at most, and transactions writing KPI facts at a time. */
const MAX_BATCH = 1000;
const MAX_WRITES = 2;

export type KpiEvent =
  | CloudEvent<'interaction.created'>
  | CloudEvent<'interaction.answered'>
  | CloudEvent<'interaction.ended'>
  | CloudEvent<'agent.state_changed'>;

/** The fact an event adds: about a contact (and the queue it arrived in) or about an agent's presence. */
type Fact = { kind: 'contact'; contact: ContactFact } | { kind: 'agent'; change: AgentStateFact };

export function factOf(event: KpiEvent): Fact {
  const tenant = event.tenantid;
  const at = new Date(event.time);
  switch (event.type) {
    case 'interaction.created': {
      const { interactionId, queueId, customer, channel } = event.data;
      return { kind: 'contact', contact: { tenant, interactionId, queueId, customerId: customer.id, channel, createdAt: at } };
    }
    case 'interaction.answered': {
      const { interactionId, agentId } = event.data;
      return { kind: 'contact', contact: { tenant, interactionId, answeredAt: at, ...(agentId === undefined ? {} : { agentId }) } };
    }
    case 'interaction.ended': {
      const { interactionId, reason, agentId } = event.data;
      return { kind: 'contact', contact: { tenant, interactionId, endedAt: at, endReason: reason, ...(agentId === undefined ? {} : { agentId }) } };
    }
    case 'agent.state_changed':
      return { kind: 'agent', change: { tenant, agentId: event.data.agentId, state: event.data.state, at } };
  }
}

/**
 * Applies interaction and presence events to the facts the KPIs are computed from, exactly once: the events that arrive
 * together are written by one transaction (processed ids, one multi-row upsert of contacts, queues seen, agent spans),
 * so a busy contact center costs a handful of statements per batch instead of a transaction per event; the wrap-up
 * times and repeat flags those facts change are refreshed next, in one statement, and last the per-minute counts take
 * the changes of every contact the batch changed (one statement). The tenants whose facts changed then get a fresh live
 * snapshot. On start, queues whose minutes were counted against another threshold than the one that now applies to
 * them (a new default target) are counted again.
 */
@Injectable()
export class KpiFactsUseCase implements OnApplicationBootstrap {
  private readonly logger = new Logger('KpiFacts');
  private readonly defaultSeconds: number;

  private readonly batches: ExactlyOnceBatches<KpiEvent, { tenant: string; answer: QueueAgentAnswer }[]>;

  constructor(
    idempotency: IdempotencyService,
    private readonly repository: KpiRepository,
    private readonly snapshots: KpiSnapshotPublisher,
    private readonly queueAgents: RecentQueueAgents,
    dataSource: DataSource,
    @Inject(SERVICE_ENV) env: AnalyticsEnv,
  ) {
    this.defaultSeconds = env.ANALYTICS_SLA_SECONDS;
    this.batches = new ExactlyOnceBatches<KpiEvent, { tenant: string; answer: QueueAgentAnswer }[]>({
      dataSource,
      idempotency,
      consumer: CONSUMER,
      idOf: (event) => event.id,
      apply: (manager, events) => this.apply(manager, events),
      // The answers count for their queues' agents at once; the tenants whose facts changed get a fresh live snapshot.
      committed: (answers, events) => {
        for (const { tenant, answer } of answers) this.queueAgents.note(tenant, [answer]);
        new Set(events.map((event) => event.tenantid)).forEach((tenant) => this.snapshots.touch(tenant));
      },
      maxBatch: MAX_BATCH,
      maxWrites: MAX_WRITES,
    });
  }

  onApplicationBootstrap(): void {
    void this.recountStaleQueues().catch((error: unknown) => this.logger.error(`Counting queues' minutes again failed: ${errorMessage(error)}`));
  }

  /** Counts again, one queue at a time, the queues counted against another threshold than the one that applies now. */
  async recountStaleQueues(): Promise<number> {
    const stale = await this.repository.queuesToRecount(this.defaultSeconds);
    for (const queue of stale) await this.repository.recountStaleQueue(queue.tenant, queue.queueId, queue.seconds);
    if (stale.length > 0) this.logger.log(`Counted the minutes of ${stale.length} queue(s) again against their current threshold`);
    return stale.length;
  }

  /** Resolves once the event's facts are committed (or it was applied before). */
  record(event: KpiEvent): Promise<void> {
    return this.batches.add(event);
  }

  private async apply(manager: EntityManager, events: readonly KpiEvent[]): Promise<{ tenant: string; answer: QueueAgentAnswer }[]> {
    const contacts: ContactFact[] = [];
    const changes: AgentStateFact[] = [];
    for (const event of events) {
      const fact = factOf(event);
      if (fact.kind === 'contact') contacts.push(fact.contact);
      else changes.push(fact.change);
    }
    const tenants = events.map((event) => event.tenantid);
    await this.repository.lockTenants(manager, tenants);
    const { answers, changes: written } = await this.repository.recordContacts(manager, contacts);
    await this.repository.sawQueues(
      manager,
      contacts.flatMap((contact) => (contact.queueId === undefined ? [] : [{ tenant: contact.tenant, queueId: contact.queueId }])),
      this.defaultSeconds,
    );
    const seconds = new AgentSecondsDeltas();
    const wrapUps = await this.repository.recordAgentStates(manager, changes, seconds);
    await this.repository.applyAgentSeconds(manager, seconds);
    const refreshed = await this.repository.refreshDerived(manager, contacts, wrapUps);
    await this.countMinutes(manager, tenants, [...written, ...refreshed]);
    return answers;
  }

  /** Adds to the per-minute counts what the batch's contact changes make of them (one change per contact). */
  private async countMinutes(manager: EntityManager, tenants: readonly string[], changes: readonly ContactChange[]): Promise<void> {
    if (changes.length === 0) return;
    const thresholds = await this.repository.countedThresholds(manager, tenants, this.defaultSeconds);
    const thresholdOf = (tenant: string, queueId: string | null): number =>
      (queueId === null || queueId === '' ? undefined : thresholds.get(`${tenant}/${queueId}`)) ?? this.defaultSeconds;
    // A contact written and then refreshed: its row before the batch, and after all of the batch's writes.
    const byContact = new Map<string, ContactChange>();
    for (const change of changes) {
      const key = `${change.tenant}\u0000${change.interactionId}`;
      const first = byContact.get(key);
      byContact.set(key, first === undefined ? change : { ...first, after: change.after });
    }
    const deltas = new MinuteDeltas();
    for (const { tenant, before, after } of byContact.values()) {
      deltas.change(tenant, before, after, thresholdOf(tenant, before?.queueId ?? null), thresholdOf(tenant, after.queueId));
    }
    await this.repository.applyMinutes(manager, deltas, thresholdOf);
  }
}
