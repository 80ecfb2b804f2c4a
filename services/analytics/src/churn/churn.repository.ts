import { Injectable } from '@nestjs/common';
import type { ChurnRiskLevel } from '@switchboard/contracts';
import { quoteIdent } from '@switchboard/platform';
import { DataSource, type EntityManager } from 'typeorm';
import type { ChurnAssessment, CustomerContact } from './churn-risk';

interface ContactRow {
  interaction_id: string;
  contacted_at: Date;
  abandoned: boolean;
  resolved: boolean | null;
  end_sentiment: number | null;
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
    this.schema = quoteIdent((dataSource.options as { schema?: string }).schema ?? 'public');
  }

  async recordContact(manager: EntityManager, tenant: string, interactionId: string, customerId: string, at: Date): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.schema}.customer_contact (tenant, interaction_id, customer_id, contacted_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant, interaction_id) DO NOTHING`,
      [tenant, interactionId, customerId, at],
    );
  }

  /** Applies an outcome to a known contact; returns its customer, or undefined when the contact is unknown. */
  async updateContact(
    manager: EntityManager,
    tenant: string,
    interactionId: string,
    change: { abandoned?: boolean; resolved?: boolean; endSentimentFromInsights?: boolean },
  ): Promise<string | undefined> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [rows]: [{ customer_id: string }[], number] = await manager.query(
      `UPDATE ${this.schema}.customer_contact c SET
         abandoned = c.abandoned OR COALESCE($3, false),
         resolved = COALESCE($4, c.resolved),
         end_sentiment = CASE WHEN $5 THEN (SELECT i.sentiment_end FROM ${this.schema}.interaction_insight i
                                             WHERE i.tenant = c.tenant AND i.interaction_id = c.interaction_id)
                              ELSE c.end_sentiment END
       WHERE c.tenant = $1 AND c.interaction_id = $2
       RETURNING c.customer_id`,
      [tenant, interactionId, change.abandoned ?? null, change.resolved ?? null, change.endSentimentFromInsights ?? false],
    );
    return rows[0]?.customer_id;
  }

  async contacts(manager: EntityManager, tenant: string, customerId: string, since: Date): Promise<CustomerContact[]> {
    const rows: ContactRow[] = await manager.query(
      `SELECT interaction_id, contacted_at, abandoned, resolved, end_sentiment FROM ${this.schema}.customer_contact
       WHERE tenant = $1 AND customer_id = $2 AND contacted_at >= $3 ORDER BY contacted_at`,
      [tenant, customerId, since],
    );
    return rows.map((r) => ({
      interactionId: r.interaction_id,
      contactedAt: new Date(r.contacted_at),
      abandoned: r.abandoned,
      ...(r.resolved === null ? {} : { resolved: r.resolved }),
      ...(r.end_sentiment === null ? {} : { endSentiment: r.end_sentiment }),
    }));
  }

  /** Stores the assessment and returns the previous level (locks the customer's row for the transaction). */
  async saveAssessment(manager: EntityManager, tenant: string, customerId: string, assessment: ChurnAssessment, at: Date): Promise<ChurnRiskLevel | undefined> {
    const previous: { level: ChurnRiskLevel }[] = await manager.query(
      `SELECT level FROM ${this.schema}.churn_risk WHERE tenant = $1 AND customer_id = $2 FOR UPDATE`,
      [tenant, customerId],
    );
    await manager.query(
      `INSERT INTO ${this.schema}.churn_risk (tenant, customer_id, score, level, reasons, assessed_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant, customer_id) DO UPDATE SET score = $3, level = $4, reasons = $5, assessed_at = $6`,
      [tenant, customerId, assessment.score, assessment.level, JSON.stringify(assessment.reasons), at],
    );
    return previous[0]?.level;
  }

  async find(tenant: string, customerId: string): Promise<StoredChurnRisk | undefined> {
    const rows: { score: number; level: ChurnRiskLevel; reasons: ChurnAssessment['reasons']; assessed_at: Date }[] = await this.dataSource.query(
      `SELECT score, level, reasons, assessed_at FROM ${this.schema}.churn_risk WHERE tenant = $1 AND customer_id = $2`,
      [tenant, customerId],
    );
    const row = rows[0];
    return row && { customerId, score: row.score, level: row.level, reasons: row.reasons, assessedAt: new Date(row.assessed_at) };
  }
}
