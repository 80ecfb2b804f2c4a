import { migrationSchema } from '@switchboard/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Agents' shifts, and notifications held until the agent's shift starts. */
export class RecipientShifts1764000200000 implements MigrationInterface {
  name = 'RecipientShifts1764000200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.recipient_preference (
        tenant text NOT NULL,
        agent_id text NOT NULL,
        shift jsonb,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, agent_id)
      )`);
    await queryRunner.query(`ALTER TABLE ${s}.notification ADD COLUMN held_until timestamptz`);
    await queryRunner.query(`CREATE INDEX notification_held_idx ON ${s}.notification (held_until) WHERE held_until IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.notification DROP COLUMN held_until`);
    await queryRunner.query(`DROP TABLE ${s}.recipient_preference`);
  }
}
