import { Injectable } from '@nestjs/common';
import { createEvent, type AnyCloudEvent, type CloudEvent } from '@switchboard/contracts';
import { IdempotencyService, Outbox } from '@switchboard/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { SERVICE_SOURCE } from '../config/analytics.config';
import { ExactlyOnceBatches } from '../shared/exactly-once-batches';
import { rounds } from '../shared/rounds';
import type { Shift } from './shift';
import { applyContact, applyStateChange, computeWellbeing, type AgentDay } from './wellbeing-model';
import { WellbeingRepository } from './wellbeing.repository';

const CONSUMER = 'analytics-wellbeing';
/** Events per transaction at most, and transactions writing them at a time. */
const MAX_BATCH = 500;
const MAX_WRITES = 2;

/** One event's change to one agent's day. */
interface DayUpdate {
  event: AnyCloudEvent;
  agentId: string;
  apply(day: AgentDay | undefined, at: Date, shift: Shift | undefined): AgentDay;
}

/**
 * Folds agent state changes and the customer-side summaries of the agent's contacts into the agent's day, and publishes
 * `analytics.wellbeing_changed` when the strain level changes. Never reads the agent's own words. The events that arrive
 * together are applied in one transaction (the agents' days locked, updated and stored by one statement each).
 */
@Injectable()
export class WellbeingUseCase {
  private readonly batches: ExactlyOnceBatches<DayUpdate, boolean>;

  constructor(
    idempotency: IdempotencyService,
    private readonly outbox: Outbox,
    private readonly repository: WellbeingRepository,
    dataSource: DataSource,
  ) {
    this.batches = new ExactlyOnceBatches<DayUpdate, boolean>({
      dataSource,
      idempotency,
      consumer: CONSUMER,
      idOf: (update) => update.event.id,
      apply: (manager, updates) => this.apply(manager, updates),
      committed: (changed) => {
        if (changed) this.outbox.kick();
      },
      maxBatch: MAX_BATCH,
      maxWrites: MAX_WRITES,
    });
  }

  async stateChanged(event: CloudEvent<'agent.state_changed'>): Promise<void> {
    await this.batches.add({ event, agentId: event.data.agentId, apply: (day, at, shift) => applyStateChange(day, event.data.state, at, shift) });
  }

  async contactSummarized(event: CloudEvent<'analytics.interaction_summarized'>): Promise<void> {
    const { agentId, abusiveCount, sentiment, smallTalkShare, utterances } = event.data;
    if (agentId === undefined) return;
    await this.batches.add({
      event,
      agentId,
      apply: (day, at) => applyContact(day, { abusiveCount, endSentiment: sentiment.end, meanSentiment: sentiment.mean, smallTalkShare, utterances }, at),
    });
  }

  /** Applies the batch's updates; true when a level change was enqueued. */
  private async apply(manager: EntityManager, updates: readonly DayUpdate[]): Promise<boolean> {
    const agents = updates.map((update) => ({ tenant: update.event.tenantid, agentId: update.agentId }));
    const shifts = await this.repository.shiftsOf(manager, agents);
    const changes: AnyCloudEvent[] = [];
    // An agent with several events in the batch: one round per event, in arrival order.
    for (const round of rounds(updates, (update) => `${update.event.tenantid}/${update.agentId}`)) {
      changes.push(...(await this.applyRound(manager, round, shifts)));
    }
    await this.outbox.enqueue(manager, changes);
    return changes.length > 0;
  }

  /** Applies updates of distinct agents; returns the level changes to publish. */
  private async applyRound(manager: EntityManager, round: readonly DayUpdate[], shifts: ReadonlyMap<string, Shift>): Promise<AnyCloudEvent[]> {
    const current = await this.repository.lock(
      manager,
      round.map((update) => ({ tenant: update.event.tenantid, agentId: update.agentId })),
    );
    const changes: AnyCloudEvent[] = [];
    const days = round.map(({ event, agentId, apply }) => {
      const key = `${event.tenantid}/${agentId}`;
      const at = new Date(event.time);
      const shift = shifts.get(key);
      const day = apply(current.get(key)?.day, at, shift);
      const wellbeing = computeWellbeing(day, at, shift);
      const previousLevel = current.get(key)?.level;
      if (wellbeing.level !== (previousLevel ?? 'ok')) {
        changes.push(
          createEvent({
            type: 'analytics.wellbeing_changed',
            tenantid: event.tenantid,
            source: SERVICE_SOURCE,
            data: { agentId, score: wellbeing.score, level: wellbeing.level, ...(previousLevel === undefined ? {} : { previousLevel }), factors: wellbeing.factors },
            ...(event.traceparent === undefined ? {} : { traceparent: event.traceparent }),
          }),
        );
      }
      return { tenant: event.tenantid, agentId, day, level: wellbeing.level };
    });
    await this.repository.save(manager, days);
    return changes;
  }
}
