import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '../schema';

/**
 * Tables every service has: the processed-event ledger that makes consumers idempotent, and the
 * transactional outbox that publishes follow-up events only after their work has committed.
 */
export class PlatformTables1732300000000 implements MigrationInterface {
  name = 'PlatformTables1732300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.processed_event (
        consumer text NOT NULL,
        event_id text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
    await queryRunner.query(`CREATE INDEX processed_event_processed_at_idx ON ${s}.processed_event (processed_at)`);
    await queryRunner.query(`
      CREATE TABLE ${s}.outbox (
        id bigserial PRIMARY KEY,
        event_id text NOT NULL UNIQUE,
        event jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX outbox_pending_idx ON ${s}.outbox (id) WHERE published_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.outbox`);
    await queryRunner.query(`DROP TABLE ${s}.processed_event`);
  }
}
