import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@switchboard/platform';

/**
 * The hot state's rebuild epoch, kept beside the durable state: a rebuild writes it (row-locked to its commit) before
 * it reads the open work, and an offer commit share-locks it and commits only under the epoch its reservations were
 * made in. NULL until the first rebuild against this database.
 */
export class RoutingHotStateEpoch1765000000202 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.hot_state_epoch (id smallint PRIMARY KEY CHECK (id = 1), epoch text);
      INSERT INTO ${s}.hot_state_epoch (id, epoch) VALUES (1, NULL);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.hot_state_epoch`);
  }
}
