import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@switchboard/platform';

/** The event archive (the replayable log) and per-tenant integration settings. */
export class IntakeInit1764000000100 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.event_archive (
        seq bigserial PRIMARY KEY,
        event_id text NOT NULL,
        tenant_id text NOT NULL,
        type text NOT NULL,
        interaction_id text,
        agent_id text,
        event_time timestamptz NOT NULL,
        stream text NOT NULL,
        stream_seq bigint NOT NULL,
        archived_at timestamptz NOT NULL DEFAULT now(),
        event json NOT NULL,
        CONSTRAINT event_archive_event_id UNIQUE (event_id));
      CREATE INDEX event_archive_tenant_time ON ${s}.event_archive (tenant_id, event_time, seq);
      CREATE INDEX event_archive_tenant_interaction ON ${s}.event_archive (tenant_id, interaction_id, event_time, seq)
        WHERE interaction_id IS NOT NULL;
      CREATE INDEX event_archive_archived_at ON ${s}.event_archive (archived_at);
      CREATE TABLE ${s}.integration (
        tenant_id text NOT NULL,
        kind text NOT NULL,
        settings jsonb NOT NULL,
        secret_ciphertext text,
        version int NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, kind));
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.integration, ${s}.event_archive`);
  }
}
