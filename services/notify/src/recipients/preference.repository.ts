import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, quoteIdent, type PlatformConfig } from '@switchboard/platform';
import { DataSource } from 'typeorm';
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

  /** Shifts of these agents (absent: no shift, always on), keyed `tenant NUL agentId`. */
  async shiftsOf(agents: readonly { tenant: string; agentId: string }[]): Promise<Map<string, Shift>> {
    if (agents.length === 0) return new Map();
    const rows: { tenant: string; agent_id: string; shift: Shift | null }[] = await this.dataSource.query(
      `SELECT p.tenant, p.agent_id, p.shift FROM ${this.table} p
       JOIN jsonb_to_recordset($1::jsonb) AS k(tenant text, agent_id text) USING (tenant, agent_id)
       WHERE p.shift IS NOT NULL`,
      [JSON.stringify(agents.map((a) => ({ tenant: a.tenant, agent_id: a.agentId })))],
    );
    return new Map(rows.flatMap((r) => (r.shift ? [[shiftKey(r.tenant, r.agent_id), r.shift] as const] : [])));
  }
}

export function shiftKey(tenant: string, agentId: string): string {
  return `${tenant}\u0000${agentId}`;
}
