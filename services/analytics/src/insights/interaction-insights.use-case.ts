import { Injectable } from '@nestjs/common';
import { createEvent, type AbuseSeverity, type AnyCloudEvent, type CloudEvent } from '@switchboard/contracts';
import { IdempotencyService, Outbox } from '@switchboard/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { SERVICE_SOURCE } from '../config/analytics.config';
import type { AbuseCategory } from '../scoring/abuse-detector';
import { ScorerProvider } from '../scoring/scorer.provider';
import type { UtteranceScore } from '../scoring/utterance-scorer';
import { ExactlyOnceBatches } from '../shared/exactly-once-batches';
import { rounds } from '../shared/rounds';
import { InteractionInsightRepository, type InteractionContext, type InteractionInsight } from './interaction-insight.repository';
import { KudosRepository } from './kudos.repository';

const CONSUMER = 'analytics-insights';
/** Events per transaction at most, and transactions writing them at a time (utterances; lifecycle events). */
export const UTTERANCE_BATCH = 500;
const MAX_BATCH = UTTERANCE_BATCH;
const MAX_WRITES = 2;

type LifecycleEvent = CloudEvent<'interaction.created'> | CloudEvent<'interaction.answered'> | CloudEvent<'interaction.ended'>;

function contextOf(event: CloudEvent<'interaction.created'> | CloudEvent<'interaction.answered'>): InteractionContext {
  const base = { tenant: event.tenantid, interactionId: event.data.interactionId };
  if (event.type === 'interaction.answered') return event.data.agentId === undefined ? base : { ...base, agentId: event.data.agentId };
  return { ...base, customerId: event.data.customer.id, queueId: event.data.queueId, channel: event.data.channel };
}

interface ScoredEvent {
  event: CloudEvent<'interaction.utterance'>;
  score: UtteranceScore;
}

const SEVERITY: Record<AbuseCategory, AbuseSeverity> = {
  threat: 'critical',
  sexual_harassment: 'high',
  insult: 'medium',
  profanity: 'medium',
  abusive_language: 'low',
};
const SEVERITY_ORDER: readonly AbuseSeverity[] = ['low', 'medium', 'high', 'critical'];

export function severityOf(categories: readonly AbuseCategory[]): AbuseSeverity {
  let worst = 0;
  for (const category of categories) worst = Math.max(worst, SEVERITY_ORDER.indexOf(SEVERITY[category]));
  return SEVERITY_ORDER[worst] as AbuseSeverity;
}

/** The interaction_summarized payload of an aggregate. */
export function summaryOf(insight: InteractionInsight): CloudEvent<'analytics.interaction_summarized'>['data'] {
  const n = insight.utterances;
  const start = insight.sentimentStart ?? 0;
  const end = insight.sentimentEnd ?? 0;
  return {
    interactionId: insight.interactionId,
    ...(insight.agentId === undefined ? {} : { agentId: insight.agentId }),
    ...(insight.customerId === undefined ? {} : { customerId: insight.customerId }),
    ...(insight.queueId === undefined ? {} : { queueId: insight.queueId }),
    ...(insight.channel === undefined ? {} : { channel: insight.channel as 'voice' }),
    sentiment: { start, end, min: insight.sentimentMin ?? 0, mean: n === 0 ? 0 : Math.round((insight.sentimentSum / n) * 10000) / 10000 },
    turnedAround: start <= -0.05 && end > -0.05,
    abusiveCount: insight.abusiveCount,
    gratitude: insight.gratitude,
    smallTalkShare: n === 0 ? 0 : insight.smallTalkCount / n,
    utterances: n,
  };
}

/**
 * Scores the customer's utterances of each interaction and keeps its running aggregates; publishes scores, live abuse
 * alerts, kudos and the end-of-interaction summary through the outbox. The agent's own words are never scored.
 */
@Injectable()
export class InteractionInsightsUseCase {
  private readonly utterances: ExactlyOnceBatches<ScoredEvent, boolean>;
  private readonly lifecycle: ExactlyOnceBatches<LifecycleEvent, boolean>;

  constructor(
    idempotency: IdempotencyService,
    private readonly outbox: Outbox,
    private readonly repository: InteractionInsightRepository,
    private readonly scorer: ScorerProvider,
    private readonly kudos: KudosRepository,
    dataSource: DataSource,
  ) {
    const common = { dataSource, idempotency, consumer: CONSUMER, maxBatch: MAX_BATCH, maxWrites: MAX_WRITES };
    const kick = (enqueued: boolean): void => {
      if (enqueued) this.outbox.kick();
    };
    this.utterances = new ExactlyOnceBatches<ScoredEvent, boolean>({
      ...common,
      idOf: (item) => item.event.id,
      apply: (manager, items) => this.writeUtterances(manager, items),
      committed: kick,
    });
    this.lifecycle = new ExactlyOnceBatches<LifecycleEvent, boolean>({
      ...common,
      idOf: (event) => event.id,
      apply: (manager, events) => this.writeLifecycle(manager, events),
      committed: kick,
    });
  }

  /** Records the interaction's customer, queue and channel; resolves once committed (with the other events of its batch). */
  async created(event: CloudEvent<'interaction.created'>): Promise<void> {
    await this.lifecycle.add(event);
  }

  /** Records the answering agent; resolves once committed. */
  async answered(event: CloudEvent<'interaction.answered'>): Promise<void> {
    await this.lifecycle.add(event);
  }

  /** Marks the interaction ended and publishes its summary (outbox); resolves once committed. */
  async ended(event: CloudEvent<'interaction.ended'>): Promise<void> {
    await this.lifecycle.add(event);
  }

  /**
   * Scores a customer utterance; the write (aggregate, kudos, processed id, follow-up events) joins the next group commit, so
   * utterances arriving together cost one transaction. Resolves once it is committed.
   */
  async utterance(event: CloudEvent<'interaction.utterance'>): Promise<void> {
    if (event.data.speaker !== 'customer') return;
    await this.utterances.add({ event, score: this.scorer.scorer.score(event.data.text) });
  }

  /** The aggregates of the batch's utterances and their follow-up events; true when any was enqueued. */
  private async writeUtterances(manager: EntityManager, todo: readonly ScoredEvent[]): Promise<boolean> {
    if (todo.length === 0) return false;
    const people = await this.repository.addUtterances(
      manager,
      todo.map(({ event, score }) => ({
        tenant: event.tenantid,
        interactionId: event.data.interactionId,
        score: { compound: score.sentiment.compound, abusive: score.abusive.detected, gratitude: score.gratitude.detected, smallTalk: score.smallTalk.detected },
      })),
    );
    const follow = todo.flatMap(({ event, score }) => this.followUps(event, score, people.get(`${event.tenantid}/${event.data.interactionId}`) ?? {}));
    await this.kudos.add(manager, follow.filter((event): event is CloudEvent<'analytics.kudos'> => event.type === 'analytics.kudos'));
    await this.outbox.enqueue(manager, follow);
    return true;
  }

  private followUps(event: CloudEvent<'interaction.utterance'>, score: UtteranceScore, people: { agentId?: string; customerId?: string }): AnyCloudEvent[] {
    const { interactionId, text, utteranceId } = event.data;
    const follow: AnyCloudEvent[] = [
      this.event(event, 'analytics.utterance_scored', {
        interactionId,
        ...(utteranceId === undefined ? {} : { utteranceId }),
        speaker: 'customer',
        sentiment: score.sentiment,
        abusive: score.abusive,
        gratitude: score.gratitude.detected,
        smallTalk: score.smallTalk.detected,
      }),
    ];
    if (score.abusive.detected) {
      follow.push(
        this.event(event, 'analytics.abuse_detected', {
          interactionId,
          ...people,
          categories: score.abusive.categories,
          severity: severityOf(score.abusive.categories),
          quote: text.slice(0, 1000),
          ...(utteranceId === undefined ? {} : { utteranceId }),
        }),
      );
    }
    if (people.agentId !== undefined && this.scorer.scorer.isKudos(text, score)) {
      follow.push(
        this.event(event, 'analytics.kudos', {
          interactionId,
          agentId: people.agentId,
          ...(people.customerId === undefined ? {} : { customerId: people.customerId }),
          quote: text.slice(0, 2000),
        }),
      );
    }
    return follow;
  }

  /**
   * The lifecycle events that arrived together, in their batch's transaction: one upsert of the interactions' context,
   * one of their ends (returning the aggregates) and the summaries in the outbox; true when any summary was enqueued.
   */
  private async writeLifecycle(manager: EntityManager, todo: readonly LifecycleEvent[]): Promise<boolean> {
    const contexts: InteractionContext[] = [];
    const ends: CloudEvent<'interaction.ended'>[] = [];
    for (const event of todo) {
      if (event.type === 'interaction.ended') ends.push(event);
      else contexts.push(contextOf(event));
    }
    await this.repository.recordContexts(manager, contexts);
    const summaries: AnyCloudEvent[] = [];
    for (const round of rounds(ends, (event) => `${event.tenantid}/${event.data.interactionId}`)) {
      const insights = await this.repository.markEnded(
        manager,
        round.map((event) => ({
          tenant: event.tenantid,
          interactionId: event.data.interactionId,
          at: new Date(event.time),
          ...(event.data.agentId === undefined ? {} : { agentId: event.data.agentId }),
        })),
      );
      for (const event of round) {
        const insight = insights.get(`${event.tenantid}/${event.data.interactionId}`);
        if (insight) summaries.push(this.event(event, 'analytics.interaction_summarized', summaryOf(insight)));
      }
    }
    await this.outbox.enqueue(manager, summaries);
    return summaries.length > 0;
  }

  private event<T extends 'analytics.utterance_scored' | 'analytics.abuse_detected' | 'analytics.kudos' | 'analytics.interaction_summarized'>(
    cause: AnyCloudEvent,
    type: T,
    data: CloudEvent<T>['data'],
  ): CloudEvent<T> {
    return createEvent({
      type,
      tenantid: cause.tenantid,
      source: SERVICE_SOURCE,
      data,
      ...(cause.traceparent === undefined ? {} : { traceparent: cause.traceparent }),
    });
  }
}
