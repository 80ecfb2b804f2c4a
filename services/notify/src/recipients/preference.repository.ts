import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, quoteIdent, type PlatformConfig } from '@switchboard/platform';
import { DataSource, type EntityManager } from 'typeorm';
import type { QuietHours } from '../subscriptions/subscription.schema';

/** A daily shift, local to its time zone (may wrap past midnight). Same shape as quiet hours. */
export type Shift = QuietHours;

@Injectable()
export class PreferenceRepository {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.table = `${quoteIdent(config.database.schema)}.recipient_preference`;
  }

  async put(tenant: string, agentId: string, shift: Shift | null): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${this.table} (tenant, agent_id, shift) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (tenant, agent_id) DO UPDATE SET shift = EXCLUDED.shift, updated_at = now()`,
      [tenant, agentId, shift ? JSON.stringify(shift) : null],
    );
  }

  async get(tenant: string, agentId: string): Promise<{ shift: Shift | null } | undefined> {
    const rows: { shift: Shift | null }[] = await this.dataSource.query(
      `SELECT shift FROM ${this.table} WHERE tenant = $1 AND agent_id = $2`,
      [tenant, agentId],
    );
    return rows[0];
  }

  async shiftIn(manager: EntityManager, tenant: string, agentId: string): Promise<Shift | null> {
    const rows: { shift: Shift | null }[] = await manager.query(
      `SELECT shift FROM ${this.table} WHERE tenant = $1 AND agent_id = $2`,
      [tenant, agentId],
    );
    return rows[0]?.shift ?? null;
  }
}
