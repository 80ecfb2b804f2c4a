import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@switchboard/contracts';
import { IdempotencyService } from '@switchboard/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { ExactlyOnceBatches } from '../shared/exactly-once-batches';
import { KpiSnapshotPublisher } from './kpi-snapshot.publisher';
import { KpiRepository, type AgentStateFact, type ContactFact } from './kpi.repository';
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
 * times and repeat flags those facts change are refreshed last, in one statement. The tenants whose facts changed then
 * get a fresh live snapshot.
 */
@Injectable()
export class KpiFactsUseCase {
  private readonly batches: ExactlyOnceBatches<KpiEvent, { tenant: string; answer: QueueAgentAnswer }[]>;

  constructor(
    idempotency: IdempotencyService,
    private readonly repository: KpiRepository,
    private readonly snapshots: KpiSnapshotPublisher,
    private readonly queueAgents: RecentQueueAgents,
    dataSource: DataSource,
  ) {
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
    await this.repository.lockTenants(manager, events.map((event) => event.tenantid));
    const answers = await this.repository.recordContacts(manager, contacts);
    await this.repository.sawQueues(
      manager,
      contacts.flatMap((contact) => (contact.queueId === undefined ? [] : [{ tenant: contact.tenant, queueId: contact.queueId }])),
    );
    const wrapUps = await this.repository.recordAgentStates(manager, changes);
    await this.repository.refreshDerived(manager, contacts, wrapUps);
    return answers;
  }
}
