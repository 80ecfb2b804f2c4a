import { migrationSchema } from '@switchboard/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Customer contacts (for churn risk) and the last published churn level per customer. */
export class Churn1763800000001 implements MigrationInterface {
  name = 'Churn1763800000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.customer_contact (
        tenant text NOT NULL,
        interaction_id text NOT NULL,
        customer_id text NOT NULL,
        contacted_at timestamptz NOT NULL,
        abandoned boolean NOT NULL DEFAULT false,
        resolved boolean,
        end_sentiment double precision,
        PRIMARY KEY (tenant, interaction_id)
      )`);
    await queryRunner.query(`CREATE INDEX customer_contact_customer_idx ON ${s}.customer_contact (tenant, customer_id, contacted_at)`);
    await queryRunner.query(`
      CREATE TABLE ${s}.churn_risk (
        tenant text NOT NULL,
        customer_id text NOT NULL,
        score double precision NOT NULL,
        level text NOT NULL,
        reasons jsonb NOT NULL,
        assessed_at timestamptz NOT NULL,
        PRIMARY KEY (tenant, customer_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.churn_risk`);
    await queryRunner.query(`DROP TABLE ${s}.customer_contact`);
  }
}
