import { Injectable } from '@nestjs/common';
import type { ChurnRiskLevel } from '@switchboard/contracts';
import { queryPrepared, quoteIdent, schemaOf } from '@switchboard/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { byTenantThen } from '../shared/row-order';
import type { ChurnAssessment, CustomerContact } from './churn-risk';

interface ContactRow {
  interaction_id: string;
  contacted_at: Date;
  abandoned: boolean;
  resolved: boolean | null;
  end_sentiment: number | null;
}

/** An outcome of a contact: abandoned, its disposition, or its end (whose sentiment comes from the insights). */
export interface ContactChange {
  tenant: string;
  interactionId: string;
  abandoned?: boolean;
  resolved?: boolean;
  endSentimentFromInsights?: boolean;
}

export interface StoredChurnRisk extends ChurnAssessment {
  customerId: string;
  assessedAt: Date;
}

/** Customer contacts and churn assessments (Postgres, the service's schema). */
@Injectable()
export class ChurnRepository {
  private readonly schema: string;

  constructor(private readonly dataSource: DataSource) {
    this.schema = quoteIdent(schemaOf(dataSource));
  }

  /** Records contacts as they start (a replayed start changes nothing). */
  async recordContacts(manager: EntityManager, contacts: readonly { tenant: string; interactionId: string; customerId: string; at: Date }[]): Promise<void> {
    if (contacts.length === 0) return;
    const rows = [...contacts].sort(byTenantThen((row) => row.interactionId));
    await queryPrepared(manager,
      `INSERT INTO ${this.schema}.customer_contact (tenant, interaction_id, customer_id, contacted_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])
       ON CONFLICT (tenant, interaction_id) DO NOTHING`,
      [rows.map((r) => r.tenant), rows.map((r) => r.interactionId), rows.map((r) => r.customerId), rows.map((r) => r.at)],
    );
  }

  /**
   * Applies outcomes to known contacts (each contact at most once per call); returns the customer of each contact found,
   * keyed `tenant/interactionId`. The end sentiment is taken from the interaction's insights when asked for.
   */
  async updateContacts(manager: EntityManager, changes: readonly ContactChange[]): Promise<Map<string, string>> {
    if (changes.length === 0) return new Map();
    const rows = [...changes].sort(byTenantThen((row) => row.interactionId));
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [updated]: [{ tenant: string; interaction_id: string; customer_id: string }[], number] = await queryPrepared(manager,
      `UPDATE ${this.schema}.customer_contact c SET
         abandoned = c.abandoned OR COALESCE(v.abandoned, false),
         resolved = COALESCE(v.resolved, c.resolved),
         end_sentiment = CASE WHEN v.from_insights THEN (SELECT i.sentiment_end FROM ${this.schema}.interaction_insight i
                                                          WHERE i.tenant = c.tenant AND i.interaction_id = c.interaction_id)
                              ELSE c.end_sentiment END
       FROM unnest($1::text[], $2::text[], $3::bool[], $4::bool[], $5::bool[]) AS v(tenant, interaction_id, abandoned, resolved, from_insights)
       WHERE c.tenant = v.tenant AND c.interaction_id = v.interaction_id
       RETURNING c.tenant, c.interaction_id, c.customer_id`,
      [
        rows.map((r) => r.tenant),
        rows.map((r) => r.interactionId),
        rows.map((r) => r.abandoned ?? null),
        rows.map((r) => r.resolved ?? null),
        rows.map((r) => r.endSentimentFromInsights ?? false),
      ],
    );
    return new Map(updated.map((row) => [`${row.tenant}/${row.interaction_id}`, row.customer_id]));
  }

  /** Each customer's contacts since its `since`, oldest first, keyed `tenant/customerId`. */
  async contactsOf(manager: EntityManager, customers: readonly { tenant: string; customerId: string; since: Date }[]): Promise<Map<string, CustomerContact[]>> {
    const result = new Map<string, CustomerContact[]>();
    if (customers.length === 0) return result;
    const rows: (ContactRow & { tenant: string; customer_id: string })[] = await queryPrepared(manager,
      `SELECT c.tenant, c.customer_id, c.interaction_id, c.contacted_at, c.abandoned, c.resolved, c.end_sentiment
       FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(tenant, customer_id, since)
       JOIN ${this.schema}.customer_contact c ON c.tenant = v.tenant AND c.customer_id = v.customer_id AND c.contacted_at >= v.since
       ORDER BY c.contacted_at`,
      [customers.map((c) => c.tenant), customers.map((c) => c.customerId), customers.map((c) => c.since)],
    );
    for (const r of rows) {
      const key = `${r.tenant}/${r.customer_id}`;
      const list = result.get(key) ?? [];
      list.push({
        interactionId: r.interaction_id,
        contactedAt: new Date(r.contacted_at),
        abandoned: r.abandoned,
        ...(r.resolved === null ? {} : { resolved: r.resolved }),
        ...(r.end_sentiment === null ? {} : { endSentiment: r.end_sentiment }),
      });
      result.set(key, list);
    }
    return result;
  }

  /**
   * Stores the assessments (one per customer) and returns each customer's previous level, keyed `tenant/customerId`;
   * the customers' rows stay locked for the transaction.
   */
  async saveAssessments(
    manager: EntityManager,
    assessments: readonly { tenant: string; customerId: string; assessment: ChurnAssessment; at: Date }[],
  ): Promise<Map<string, ChurnRiskLevel>> {
    if (assessments.length === 0) return new Map();
    const rows = [...assessments].sort(byTenantThen((row) => row.customerId));
    const keys = [rows.map((r) => r.tenant), rows.map((r) => r.customerId)];
    const previous: { tenant: string; customer_id: string; level: ChurnRiskLevel }[] = await queryPrepared(manager,
      `SELECT r.tenant, r.customer_id, r.level FROM ${this.schema}.churn_risk r
       JOIN unnest($1::text[], $2::text[]) AS v(tenant, customer_id) ON r.tenant = v.tenant AND r.customer_id = v.customer_id
       ORDER BY r.tenant, r.customer_id FOR UPDATE OF r`,
      keys,
    );
    await queryPrepared(manager,
      `INSERT INTO ${this.schema}.churn_risk (tenant, customer_id, score, level, reasons, assessed_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[], $5::jsonb[], $6::timestamptz[])
       ON CONFLICT (tenant, customer_id) DO UPDATE SET
         score = EXCLUDED.score, level = EXCLUDED.level, reasons = EXCLUDED.reasons, assessed_at = EXCLUDED.assessed_at`,
      [
        ...keys,
        rows.map((r) => r.assessment.score),
        rows.map((r) => r.assessment.level),
        rows.map((r) => JSON.stringify(r.assessment.reasons)),
        rows.map((r) => r.at),
      ],
    );
    return new Map(previous.map((row) => [`${row.tenant}/${row.customer_id}`, row.level]));
  }

  async find(tenant: string, customerId: string): Promise<StoredChurnRisk | undefined> {
    const rows: { score: number; level: ChurnRiskLevel; reasons: ChurnAssessment['reasons']; assessed_at: Date }[] = await queryPrepared(this.dataSource,
      `SELECT score, level, reasons, assessed_at FROM ${this.schema}.churn_risk WHERE tenant = $1 AND customer_id = $2`,
      [tenant, customerId],
    );
    const row = rows[0];
    return row && { customerId, score: row.score, level: row.level, reasons: row.reasons, assessedAt: new Date(row.assessed_at) };
  }
}
