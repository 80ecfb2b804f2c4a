import { migrationSchema } from '@switchboard/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Digest subscriptions: low-priority items are collected and sent together once per interval. */
export class Digests1764000300000 implements MigrationInterface {
  name = 'Digests1764000300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.subscription ADD COLUMN digest_interval_seconds int`);
    await queryRunner.query(`ALTER TABLE ${s}.delivery ADD COLUMN digest boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.delivery DROP COLUMN digest`);
    await queryRunner.query(`ALTER TABLE ${s}.subscription DROP COLUMN digest_interval_seconds`);
  }
}
