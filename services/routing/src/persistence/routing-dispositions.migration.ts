import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@switchboard/platform';

/** Dispositions on interactions, and the last decision outcome logged for a waiting interaction. */
export class RoutingDispositions1764000000201 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      ALTER TABLE ${s}.interaction ADD COLUMN logged_outcome text, ADD COLUMN resolved boolean, ADD COLUMN disposition_code text,
        ADD COLUMN disposed_at timestamptz;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      ALTER TABLE ${s}.interaction DROP COLUMN logged_outcome, DROP COLUMN resolved, DROP COLUMN disposition_code, DROP COLUMN disposed_at;
    `);
  }
}
