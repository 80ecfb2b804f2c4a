import { migrationSchema } from '@switchboard/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { repeatedSql, wrapUpSecondsSql } from '../kpis/kpi-sql';

/**
 * Each contact's wrap-up time and repeat flag kept on its row (filled in here for the contacts stored before), so the
 * KPI aggregates read them instead of looking them up per contact, and the indexes that keep those lookups and the
 * windows' reads of spans proportional to what they find:
 * - an agent's contacts by their end (when a wrap-up span changes);
 * - spans by their end, beside the index of open spans: the agents' states and time in a window ending now are found
 *   among the open spans and those ended in the window, not among every span started before its end. The index of
 *   spans by their start goes: nothing needs it any more, and a contact's wrap-up lookup (agent and start, which the
 *   primary key answers) could be planned on it, through every agent's spans of the minute.
 * Both new indexes hold ended rows only, so no lookup by primary key or customer can be planned on them.
 */
export class KpiContactDerived1763800000005 implements MigrationInterface {
  name = 'KpiContactDerived1763800000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.kpi_contact ADD COLUMN wrap_up_seconds double precision, ADD COLUMN repeated boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`CREATE INDEX kpi_contact_agent_end_idx ON ${s}.kpi_contact (tenant, agent_id, ended_at) WHERE ended_at IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX kpi_agent_span_end_idx ON ${s}.kpi_agent_span (tenant, ended_at) WHERE ended_at IS NOT NULL`);
    await queryRunner.query(`DROP INDEX ${s}.kpi_agent_span_time_idx`);
    await queryRunner.query(
      `UPDATE ${s}.kpi_contact c SET wrap_up_seconds = ${wrapUpSecondsSql('c', `${s}.kpi_agent_span`)},
         repeated = ${repeatedSql('c', `${s}.kpi_contact`)}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`CREATE INDEX kpi_agent_span_time_idx ON ${s}.kpi_agent_span (tenant, started_at)`);
    await queryRunner.query(`DROP INDEX ${s}.kpi_agent_span_end_idx`);
    await queryRunner.query(`DROP INDEX ${s}.kpi_contact_agent_end_idx`);
    await queryRunner.query(`ALTER TABLE ${s}.kpi_contact DROP COLUMN wrap_up_seconds, DROP COLUMN repeated`);
  }
}
