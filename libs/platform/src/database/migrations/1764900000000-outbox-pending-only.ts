import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '../schema';

/**
 * The outbox holds only events not yet published: a published row is deleted rather than marked (a delete writes no
 * new row version and no index entries, and the sweep's index scan stays short between vacuums).
 */
export class OutboxPendingOnly1764900000000 implements MigrationInterface {
  name = 'OutboxPendingOnly1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DELETE FROM ${s}.outbox WHERE published_at IS NOT NULL`);
    await queryRunner.query(`DROP INDEX ${s}.outbox_pending_idx`);
    await queryRunner.query(`ALTER TABLE ${s}.outbox DROP COLUMN published_at`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.outbox ADD COLUMN published_at timestamptz`);
    await queryRunner.query(`CREATE INDEX outbox_pending_idx ON ${s}.outbox (id) WHERE published_at IS NULL`);
  }
}
