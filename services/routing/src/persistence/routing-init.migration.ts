import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@switchboard/platform';

export class RoutingInit1764000000200 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.agent (
        tenant text NOT NULL, id text NOT NULL, name text NOT NULL, skills jsonb NOT NULL, capacity jsonb NOT NULL,
        languages text[] NOT NULL, team text, started_at timestamptz, shift jsonb,
        state text NOT NULL DEFAULT 'offline', state_since timestamptz NOT NULL DEFAULT now(), state_reason text,
        last_offered_at timestamptz, strain_level text NOT NULL DEFAULT 'ok', missed_in_row int NOT NULL DEFAULT 0,
        wrap_up_until timestamptz, PRIMARY KEY (tenant, id));
      CREATE TABLE ${s}.queue (
        tenant text NOT NULL, id text NOT NULL, name text NOT NULL, channel text NOT NULL, required_skills jsonb NOT NULL,
        priority int NOT NULL, sla jsonb NOT NULL, strategy text NOT NULL, offer_timeout_seconds int NOT NULL,
        wrap_up_seconds int NOT NULL, overflow jsonb NOT NULL, PRIMARY KEY (tenant, id));
      CREATE TABLE ${s}.interaction (
        tenant text NOT NULL, id text NOT NULL, queue_id text NOT NULL, channel text NOT NULL, customer_id text NOT NULL,
        vip boolean NOT NULL, language text, priority int, status text NOT NULL, queued_at timestamptz NOT NULL,
        agent_id text, assigned_at timestamptz, ended_at timestamptz, abusive boolean NOT NULL DEFAULT false,
        overflow_step int NOT NULL DEFAULT 0, declined_by text[] NOT NULL DEFAULT '{}', PRIMARY KEY (tenant, id));
      CREATE INDEX interaction_status ON ${s}.interaction (status, tenant);
      CREATE INDEX interaction_customer ON ${s}.interaction (tenant, customer_id, assigned_at DESC);
      CREATE INDEX interaction_agent ON ${s}.interaction (tenant, agent_id, status);
      CREATE TABLE ${s}.offer (
        id uuid PRIMARY KEY, tenant text NOT NULL, interaction_id text NOT NULL, agent_id text NOT NULL, queue_id text NOT NULL,
        channel text NOT NULL, status text NOT NULL, expires_at timestamptz NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz);
      CREATE INDEX offer_open ON ${s}.offer (expires_at) WHERE status = 'offered';
      CREATE INDEX offer_interaction ON ${s}.offer (tenant, interaction_id);
      CREATE TABLE ${s}.decision (
        id bigserial PRIMARY KEY, tenant text NOT NULL, interaction_id text NOT NULL, decided_at timestamptz NOT NULL DEFAULT now(),
        explanation jsonb NOT NULL);
      CREATE INDEX decision_interaction ON ${s}.decision (tenant, interaction_id, id);
      CREATE TABLE ${s}.customer_flag (
        tenant text NOT NULL, customer_id text NOT NULL, abusive boolean NOT NULL DEFAULT false, churn_level text,
        PRIMARY KEY (tenant, customer_id));
      CREATE TABLE ${s}.settings (tenant text PRIMARY KEY, settings jsonb NOT NULL);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(
      `DROP TABLE ${s}.settings, ${s}.customer_flag, ${s}.decision, ${s}.offer, ${s}.interaction, ${s}.queue, ${s}.agent`,
    );
  }
}
