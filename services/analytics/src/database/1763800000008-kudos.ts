import { migrationSchema } from '@switchboard/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Kudos as published (`analytics.kudos`), for the feeds of pages opened after the fact. */
export class Kudos1763800000008 implements MigrationInterface {
  name = 'Kudos1763800000008';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${schema}.kudos (
        id text PRIMARY KEY,
        tenant text NOT NULL,
        agent_id text NOT NULL,
        interaction_id text NOT NULL,
        customer_id text,
        quote text NOT NULL,
        at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX kudos_tenant_at_idx ON ${schema}.kudos (tenant, at DESC)`);
    await queryRunner.query(`CREATE INDEX kudos_agent_at_idx ON ${schema}.kudos (tenant, agent_id, at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${migrationSchema(queryRunner)}.kudos`);
  }
}
