import { Injectable } from '@nestjs/common';
import type { WellbeingLevel } from '@switchboard/contracts';
import { quoteIdent } from '@switchboard/platform';
import { DataSource, type EntityManager } from 'typeorm';
import type { AgentDay } from './wellbeing-model';

type StoredDay = Omit<AgentDay, 'stateSince' | 'loggedInAt' | 'lastBreakAt'> & { stateSince: string; loggedInAt?: string; lastBreakAt?: string };

function fromStored(stored: StoredDay): AgentDay {
  const { stateSince, loggedInAt, lastBreakAt, ...rest } = stored;
  return {
    ...rest,
    stateSince: new Date(stateSince),
    ...(loggedInAt === undefined ? {} : { loggedInAt: new Date(loggedInAt) }),
    ...(lastBreakAt === undefined ? {} : { lastBreakAt: new Date(lastBreakAt) }),
  };
}

/** Agents' days and last strain levels (Postgres, the service's schema). */
@Injectable()
export class WellbeingRepository {
  private readonly table: string;

  constructor(private readonly dataSource: DataSource) {
    this.table = `${quoteIdent((dataSource.options as { schema?: string }).schema ?? 'public')}.agent_wellbeing`;
  }

  /** The agent's day, locked for the transaction. */
  async lock(manager: EntityManager, tenant: string, agentId: string): Promise<{ day: AgentDay; level: WellbeingLevel } | undefined> {
    const rows: { day: StoredDay; level: WellbeingLevel }[] = await manager.query(
      `SELECT day, level FROM ${this.table} WHERE tenant = $1 AND agent_id = $2 FOR UPDATE`,
      [tenant, agentId],
    );
    const row = rows[0];
    return row && { day: fromStored(row.day), level: row.level };
  }

  async save(manager: EntityManager, tenant: string, agentId: string, day: AgentDay, level: WellbeingLevel): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.table} (tenant, agent_id, day, level) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant, agent_id) DO UPDATE SET day = $3, level = $4, updated_at = now()`,
      [tenant, agentId, JSON.stringify(day), level],
    );
  }

  async find(tenant: string, agentId: string): Promise<AgentDay | undefined> {
    const rows: { day: StoredDay }[] = await this.dataSource.query(`SELECT day FROM ${this.table} WHERE tenant = $1 AND agent_id = $2`, [tenant, agentId]);
    return rows[0] && fromStored(rows[0].day);
  }

  /** Every agent's day in the tenant. */
  async findAll(tenant: string): Promise<Map<string, AgentDay>> {
    const rows: { agent_id: string; day: StoredDay }[] = await this.dataSource.query(`SELECT agent_id, day FROM ${this.table} WHERE tenant = $1`, [tenant]);
    return new Map(rows.map((row) => [row.agent_id, fromStored(row.day)]));
  }
}
