import { migrationSchema } from '@switchboard/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each agent's day (operational facts and customer-side contact outcomes) and last published strain level. */
export class AgentWellbeing1763800000002 implements MigrationInterface {
  name = 'AgentWellbeing1763800000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.agent_wellbeing (
        tenant text NOT NULL,
        agent_id text NOT NULL,
        day jsonb NOT NULL,
        level text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, agent_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${migrationSchema(queryRunner)}.agent_wellbeing`);
  }
}
