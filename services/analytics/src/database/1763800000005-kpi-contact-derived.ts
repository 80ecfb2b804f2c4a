import { migrationSchema } from '@switchboard/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { repeatedSql, wrapUpSecondsSql } from '../kpis/contact-derived.sql';

/**
 * Each contact's wrap-up time and repeat flag kept on its row (filled in here for the contacts stored before), so the
 * KPI aggregates read them instead of looking them up per contact; the index that finds an agent's contacts by their end
 * when a wrap-up span changes; and one on the spans' ends, so the agents' states at the end of a window ending now are
 * found among the open spans instead of every span started before it.
 */
export class KpiContactDerived1763800000005 implements MigrationInterface {
  name = 'KpiContactDerived1763800000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.kpi_contact ADD COLUMN wrap_up_seconds double precision, ADD COLUMN repeated boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`CREATE INDEX kpi_contact_agent_end_idx ON ${s}.kpi_contact (tenant, agent_id, ended_at)`);
    await queryRunner.query(`CREATE INDEX kpi_agent_span_end_idx ON ${s}.kpi_agent_span (tenant, ended_at)`);
    await queryRunner.query(
      `UPDATE ${s}.kpi_contact c SET wrap_up_seconds = ${wrapUpSecondsSql('c', `${s}.kpi_agent_span`)},
         repeated = ${repeatedSql('c', `${s}.kpi_contact`)}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP INDEX ${s}.kpi_agent_span_end_idx`);
    await queryRunner.query(`DROP INDEX ${s}.kpi_contact_agent_end_idx`);
    await queryRunner.query(`ALTER TABLE ${s}.kpi_contact DROP COLUMN wrap_up_seconds, DROP COLUMN repeated`);
  }
}
