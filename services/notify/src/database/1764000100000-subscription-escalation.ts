import { migrationSchema } from '@switchboard/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Escalation subscriptions: critical alerts reach them only when nobody acknowledged in time. */
export class SubscriptionEscalation1764000100000 implements MigrationInterface {
  name = 'SubscriptionEscalation1764000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.subscription ADD COLUMN escalate_after_seconds int`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.subscription DROP COLUMN escalate_after_seconds`);
  }
}
