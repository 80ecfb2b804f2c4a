import { migrationSchema } from '@switchboard/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Inbox of notifications, external subscriptions and the durable delivery table. */
export class NotifyTables1764000000000 implements MigrationInterface {
  name = 'NotifyTables1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.notification (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        tenant text NOT NULL,
        recipient text NOT NULL,
        kind text NOT NULL,
        event_type text NOT NULL,
        severity text NOT NULL,
        source_event_id text NOT NULL,
        event_time timestamptz NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        acked_at timestamptz,
        acked_by text,
        UNIQUE (tenant, source_event_id, recipient)
      )`);
    await queryRunner.query(
      `CREATE INDEX notification_inbox_idx ON ${s}.notification (tenant, recipient, seq) WHERE acked_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}.subscription (
        id uuid PRIMARY KEY,
        tenant text NOT NULL,
        channel text NOT NULL,
        target text NOT NULL,
        secret text,
        event_types text[] NOT NULL DEFAULT '{}',
        min_severity text NOT NULL,
        quiet_hours jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX subscription_tenant_idx ON ${s}.subscription (tenant)`);
    await queryRunner.query(`
      CREATE TABLE ${s}.delivery (
        id uuid PRIMARY KEY,
        tenant text NOT NULL,
        subscription_id uuid NOT NULL,
        notification_id uuid NOT NULL REFERENCES ${s}.notification (id) ON DELETE CASCADE,
        channel text NOT NULL,
        status text NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        locked_until timestamptz,
        last_error text,
        last_status_code int,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (subscription_id, notification_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX delivery_due_idx ON ${s}.delivery (next_attempt_at) WHERE status IN ('pending', 'failed', 'attempting')`,
    );
    await queryRunner.query(`CREATE INDEX delivery_tenant_idx ON ${s}.delivery (tenant, created_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.delivery`);
    await queryRunner.query(`DROP TABLE ${s}.subscription`);
    await queryRunner.query(`DROP TABLE ${s}.notification`);
  }
}
