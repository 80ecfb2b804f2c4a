import { migrationSchema } from '@switchboard/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Agents' working hours (for the off-shift strain factor). */
export class AgentShift1763800000004 implements MigrationInterface {
  name = 'AgentShift1763800000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ${migrationSchema(queryRunner)}.agent_shift (
        tenant text NOT NULL,
        agent_id text NOT NULL,
        start_time text NOT NULL,
        end_time text NOT NULL,
        time_zone text NOT NULL,
        PRIMARY KEY (tenant, agent_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${migrationSchema(queryRunner)}.agent_shift`);
  }
}
