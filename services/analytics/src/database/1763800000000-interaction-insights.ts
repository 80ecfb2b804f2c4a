import { migrationSchema } from '@switchboard/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Running aggregates of each interaction's customer side. */
export class InteractionInsights1763800000000 implements MigrationInterface {
  name = 'InteractionInsights1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.interaction_insight (
        tenant text NOT NULL,
        interaction_id text NOT NULL,
        agent_id text,
        customer_id text,
        queue_id text,
        channel text,
        utterances integer NOT NULL DEFAULT 0,
        sentiment_sum double precision NOT NULL DEFAULT 0,
        sentiment_start double precision,
        sentiment_end double precision,
        sentiment_min double precision,
        abusive_count integer NOT NULL DEFAULT 0,
        gratitude boolean NOT NULL DEFAULT false,
        small_talk_count integer NOT NULL DEFAULT 0,
        ended_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, interaction_id)
      )`);
    await queryRunner.query(`CREATE INDEX interaction_insight_agent_idx ON ${s}.interaction_insight (tenant, agent_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${migrationSchema(queryRunner)}.interaction_insight`);
  }
}
