import { Injectable } from '@nestjs/common';
import { createEvent, type AnyCloudEvent, type CloudEvent } from '@switchboard/contracts';
import { IdempotencyService, Outbox } from '@switchboard/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { SERVICE_SOURCE } from '../config/analytics.config';
import { ExactlyOnceBatches } from '../shared/exactly-once-batches';
import { rounds } from '../shared/rounds';
import { assessChurn, CHURN_WINDOW_MS } from './churn-risk';
import { ChurnRepository, type ContactChange } from './churn.repository';

const CONSUMER = 'analytics-churn';
/** Events per transaction at most, and transactions writing them at a time. */
const MAX_BATCH = 500;
const MAX_WRITES = 2;

export type ChurnEvent = CloudEvent<'interaction.created'> | CloudEvent<'interaction.ended'> | CloudEvent<'interaction.disposition'>;

/** The latest event of a customer in a batch: the assessment is made as of its time and names its interaction. */
interface Touched {
  tenant: string;
  customerId: string;
  cause: ChurnEvent;
}

function changeOf(event: CloudEvent<'interaction.ended'> | CloudEvent<'interaction.disposition'>): ContactChange {
  const base = { tenant: event.tenantid, interactionId: event.data.interactionId };
  return event.type === 'interaction.ended'
    ? { ...base, abandoned: event.data.reason === 'abandoned', endSentimentFromInsights: true }
    : { ...base, resolved: event.data.resolved };
}

/**
 * Keeps each customer's contacts and re-assesses churn risk when a contact starts, ends or gets its disposition;
 * publishes `analytics.churn_risk_changed` when the level changes. The events that arrive together are applied in one
 * transaction, and each customer they touch is assessed once, as of its latest event.
 */
@Injectable()
export class ChurnUseCase {
  private readonly batches: ExactlyOnceBatches<ChurnEvent, boolean>;

  constructor(
    idempotency: IdempotencyService,
    private readonly outbox: Outbox,
    private readonly repository: ChurnRepository,
    dataSource: DataSource,
  ) {
    this.batches = new ExactlyOnceBatches<ChurnEvent, boolean>({
      dataSource,
      idempotency,
      consumer: CONSUMER,
      idOf: (event) => event.id,
      apply: async (manager, events) => this.assess(manager, await this.apply(manager, events)),
      committed: (changed) => {
        if (changed) this.outbox.kick();
      },
      maxBatch: MAX_BATCH,
      maxWrites: MAX_WRITES,
    });
  }

  /** Resolves once the event is applied (with the others of its batch) or known to have been applied before. */
  record(event: ChurnEvent): Promise<void> {
    return this.batches.add(event);
  }

  /** Writes the batch's contacts and outcomes; returns the customers touched, each with its latest event. */
  private async apply(manager: EntityManager, events: readonly ChurnEvent[]): Promise<Map<string, Touched>> {
    const touched = new Map<string, Touched>();
    const touch = (tenant: string, customerId: string, cause: ChurnEvent): void => {
      const key = `${tenant}/${customerId}`;
      const known = touched.get(key);
      if (known === undefined || known.cause.time <= cause.time) touched.set(key, { tenant, customerId, cause });
    };
    const starts = events.filter((event): event is CloudEvent<'interaction.created'> => event.type === 'interaction.created');
    await this.repository.recordContacts(
      manager,
      starts.map((event) => ({ tenant: event.tenantid, interactionId: event.data.interactionId, customerId: event.data.customer.id, at: new Date(event.time) })),
    );
    for (const event of starts) touch(event.tenantid, event.data.customer.id, event);
    const outcomes = events.filter((event): event is Exclude<ChurnEvent, CloudEvent<'interaction.created'>> => event.type !== 'interaction.created');
    for (const round of rounds(outcomes, (event) => `${event.tenantid}/${event.data.interactionId}`)) {
      const customers = await this.repository.updateContacts(manager, round.map(changeOf));
      for (const event of round) {
        const customerId = customers.get(`${event.tenantid}/${event.data.interactionId}`);
        if (customerId !== undefined) touch(event.tenantid, customerId, event);
      }
    }
    return touched;
  }

  /** Assesses each touched customer and enqueues a change event where the level changed; true when any was enqueued. */
  private async assess(manager: EntityManager, touched: ReadonlyMap<string, Touched>): Promise<boolean> {
    if (touched.size === 0) return false;
    const customers = [...touched.values()];
    const contacts = await this.repository.contactsOf(
      manager,
      customers.map(({ tenant, customerId, cause }) => ({ tenant, customerId, since: new Date(Date.parse(cause.time) - CHURN_WINDOW_MS) })),
    );
    const assessments = customers.map((customer) => {
      const at = new Date(customer.cause.time);
      return { ...customer, at, assessment: assessChurn(contacts.get(`${customer.tenant}/${customer.customerId}`) ?? [], at) };
    });
    const previous = await this.repository.saveAssessments(manager, assessments);
    const changes: AnyCloudEvent[] = [];
    for (const { tenant, customerId, cause, assessment } of assessments) {
      const previousLevel = previous.get(`${tenant}/${customerId}`);
      if (previousLevel === assessment.level || (previousLevel === undefined && assessment.level === 'low')) continue;
      changes.push(
        createEvent({
          type: 'analytics.churn_risk_changed',
          tenantid: tenant,
          source: SERVICE_SOURCE,
          subject: customerId,
          data: {
            customerId,
            score: assessment.score,
            level: assessment.level,
            ...(previousLevel === undefined ? {} : { previousLevel }),
            interactionId: cause.data.interactionId,
            reasons: assessment.reasons,
          },
          ...(cause.traceparent === undefined ? {} : { traceparent: cause.traceparent }),
        }),
      );
    }
    await this.outbox.enqueue(manager, changes);
    return changes.length > 0;
  }
}
