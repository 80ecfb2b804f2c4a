import { migrationSchema } from '@switchboard/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Contact facts, agent presence spans and per-queue SLA targets: the sources of the KPI aggregates. */
export class Kpis1763800000003 implements MigrationInterface {
  name = 'Kpis1763800000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.kpi_contact (
        tenant text NOT NULL,
        interaction_id text NOT NULL,
        queue_id text,
        customer_id text,
        channel text,
        created_at timestamptz,
        answered_at timestamptz,
        agent_id text,
        ended_at timestamptz,
        end_reason text,
        PRIMARY KEY (tenant, interaction_id)
      )`);
    await queryRunner.query(`CREATE INDEX kpi_contact_created_idx ON ${s}.kpi_contact (tenant, created_at)`);
    await queryRunner.query(`CREATE INDEX kpi_contact_answered_idx ON ${s}.kpi_contact (tenant, answered_at)`);
    await queryRunner.query(`CREATE INDEX kpi_contact_ended_idx ON ${s}.kpi_contact (tenant, ended_at)`);
    await queryRunner.query(`CREATE INDEX kpi_contact_customer_idx ON ${s}.kpi_contact (tenant, customer_id, created_at)`);
    await queryRunner.query(
      `CREATE INDEX kpi_contact_waiting_idx ON ${s}.kpi_contact (tenant, created_at) WHERE answered_at IS NULL AND ended_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}.kpi_agent_span (
        tenant text NOT NULL,
        agent_id text NOT NULL,
        started_at timestamptz NOT NULL,
        state text NOT NULL,
        ended_at timestamptz,
        PRIMARY KEY (tenant, agent_id, started_at)
      )`);
    await queryRunner.query(`CREATE INDEX kpi_agent_span_open_idx ON ${s}.kpi_agent_span (tenant, agent_id) WHERE ended_at IS NULL`);
    await queryRunner.query(`CREATE INDEX kpi_agent_span_time_idx ON ${s}.kpi_agent_span (tenant, started_at)`);
    await queryRunner.query(`
      CREATE TABLE ${s}.kpi_queue (
        tenant text NOT NULL,
        queue_id text NOT NULL,
        sla_percent double precision,
        sla_seconds integer,
        breached boolean NOT NULL DEFAULT false,
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, queue_id)
      )`);
    await queryRunner.query(`CREATE INDEX kpi_queue_seen_idx ON ${s}.kpi_queue (last_seen_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.kpi_queue`);
    await queryRunner.query(`DROP TABLE ${s}.kpi_agent_span`);
    await queryRunner.query(`DROP TABLE ${s}.kpi_contact`);
  }
}
