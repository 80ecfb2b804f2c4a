import { migrationSchema } from '@switchboard/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { agentBucketsSql, type AgentBucket } from '../kpis/kpi-sql';

/**
 * The agents' time per state in minute and hour buckets (the ended spans' time split over the buckets they overlap),
 * which the KPI aggregates sum with the open spans instead of reading every span of the window; filled in here from the
 * spans stored before.
 */
export class KpiAgentTime1763800000007 implements MigrationInterface {
  name = 'KpiAgentTime1763800000007';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    for (const bucket of ['minute', 'hour'] as AgentBucket[]) {
      await queryRunner.query(`
        CREATE TABLE ${s}.kpi_agent_${bucket} (
          tenant text NOT NULL,
          agent_id text NOT NULL,
          state text NOT NULL,
          ${bucket} timestamptz NOT NULL,
          seconds double precision NOT NULL,
          PRIMARY KEY (tenant, ${bucket}, agent_id, state)
        )`);
      await queryRunner.query(
        `INSERT INTO ${s}.kpi_agent_${bucket} (tenant, agent_id, state, ${bucket}, seconds) ${agentBucketsSql(`${s}.kpi_agent_span`, 'true', bucket)}`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.kpi_agent_hour`);
    await queryRunner.query(`DROP TABLE ${s}.kpi_agent_minute`);
  }
}
