import { migrationSchema } from '@switchboard/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { MINUTE_COLUMNS, minuteRowsSql } from '../kpis/kpi-sql';

/**
 * Contact counts per tenant, queue and minute, which the KPI aggregates sum instead of reading every contact of the
 * window, and the threshold each queue's rows were counted with. The rows of contacts without a known queue do not
 * depend on a threshold and are counted here; each queue's are counted when the service starts (its default target
 * is configuration, unknown to a migration).
 */
export class KpiContactMinute1763800000006 implements MigrationInterface {
  name = 'KpiContactMinute1763800000006';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.kpi_contact_minute (
        tenant text NOT NULL,
        queue_id text NOT NULL,
        minute timestamptz NOT NULL,
        offered integer NOT NULL,
        answered integer NOT NULL,
        answered_within integer NOT NULL,
        wait_count integer NOT NULL,
        wait_sum double precision NOT NULL,
        wait_max double precision,
        abandoned integer NOT NULL,
        abandoned_wait_max double precision,
        handled integer NOT NULL,
        handle_sum double precision NOT NULL,
        fcr_base integer NOT NULL,
        fcr_resolved integer NOT NULL,
        PRIMARY KEY (tenant, minute, queue_id)
      )`);
    await queryRunner.query(`ALTER TABLE ${s}.kpi_queue ADD COLUMN counted_seconds integer`);
    await queryRunner.query(
      `INSERT INTO ${s}.kpi_contact_minute (tenant, queue_id, minute, ${MINUTE_COLUMNS.join(', ')})
       ${minuteRowsSql(`${s}.kpi_contact`, 'c.queue_id IS NULL', '0')}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.kpi_queue DROP COLUMN counted_seconds`);
    await queryRunner.query(`DROP TABLE ${s}.kpi_contact_minute`);
  }
}
