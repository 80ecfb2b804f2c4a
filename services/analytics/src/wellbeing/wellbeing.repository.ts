import { Injectable } from '@nestjs/common';
import type { WellbeingLevel } from '@switchboard/contracts';
import { queryPrepared, quoteIdent, schemaOf } from '@switchboard/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { byTenantThen } from '../shared/row-order';
import type { AgentDay } from './wellbeing-model';
import type { Shift } from './shift';

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

interface ShiftRow {
  agent_id: string;
  start_time: string;
  end_time: string;
  time_zone: string;
}

const toShift = (row: ShiftRow): Shift => ({ start: row.start_time, end: row.end_time, timeZone: row.time_zone });

export interface AgentKey {
  tenant: string;
  agentId: string;
}

function keyColumns(agents: readonly AgentKey[]): [string[], string[]] {
  return [agents.map((agent) => agent.tenant), agents.map((agent) => agent.agentId)];
}

/** Agents' days, last strain levels and shifts (Postgres, the service's schema). */
@Injectable()
export class WellbeingRepository {
  private readonly table: string;
  private readonly shifts: string;

  constructor(private readonly dataSource: DataSource) {
    const schema = quoteIdent(schemaOf(dataSource));
    this.table = `${schema}.agent_wellbeing`;
    this.shifts = `${schema}.agent_shift`;
  }

  async saveShift(tenant: string, agentId: string, shift: Shift): Promise<void> {
    await queryPrepared(this.dataSource,
      `INSERT INTO ${this.shifts} (tenant, agent_id, start_time, end_time, time_zone) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant, agent_id) DO UPDATE SET start_time = $3, end_time = $4, time_zone = $5`,
      [tenant, agentId, shift.start, shift.end, shift.timeZone],
    );
  }

  /** True when there was a shift to remove. */
  async deleteShift(tenant: string, agentId: string): Promise<boolean> {
    const [, deleted]: [unknown[], number] = await queryPrepared(this.dataSource, `DELETE FROM ${this.shifts} WHERE tenant = $1 AND agent_id = $2`, [tenant, agentId]);
    return deleted > 0;
  }

  /** The agent's shift (inside a transaction when `manager` is given). */
  async findShift(tenant: string, agentId: string, manager?: EntityManager): Promise<Shift | undefined> {
    const rows: ShiftRow[] = await queryPrepared((manager ?? this.dataSource),
      `SELECT agent_id, start_time, end_time, time_zone FROM ${this.shifts} WHERE tenant = $1 AND agent_id = $2`,
      [tenant, agentId],
    );
    return rows[0] && toShift(rows[0]);
  }

  async findAllShifts(tenant: string): Promise<Map<string, Shift>> {
    const rows: ShiftRow[] = await queryPrepared(this.dataSource, `SELECT agent_id, start_time, end_time, time_zone FROM ${this.shifts} WHERE tenant = $1`, [tenant]);
    return new Map(rows.map((row) => [row.agent_id, toShift(row)]));
  }

  /** The agents' days and levels, locked for the transaction, keyed `tenant/agentId` (agents without a day are absent). */
  async lock(manager: EntityManager, agents: readonly AgentKey[]): Promise<Map<string, { day: AgentDay; level: WellbeingLevel }>> {
    if (agents.length === 0) return new Map();
    const rows: { tenant: string; agent_id: string; day: StoredDay; level: WellbeingLevel }[] = await queryPrepared(manager,
      `SELECT w.tenant, w.agent_id, w.day, w.level FROM ${this.table} w
       JOIN unnest($1::text[], $2::text[]) AS v(tenant, agent_id) ON w.tenant = v.tenant AND w.agent_id = v.agent_id
       ORDER BY w.tenant, w.agent_id FOR UPDATE OF w`,
      keyColumns(agents),
    );
    return new Map(rows.map((row) => [`${row.tenant}/${row.agent_id}`, { day: fromStored(row.day), level: row.level }]));
  }

  /** The agents' shifts, keyed `tenant/agentId`. */
  async shiftsOf(manager: EntityManager, agents: readonly AgentKey[]): Promise<Map<string, Shift>> {
    if (agents.length === 0) return new Map();
    const rows: (ShiftRow & { tenant: string })[] = await queryPrepared(manager,
      `SELECT s.tenant, s.agent_id, s.start_time, s.end_time, s.time_zone FROM ${this.shifts} s
       JOIN unnest($1::text[], $2::text[]) AS v(tenant, agent_id) ON s.tenant = v.tenant AND s.agent_id = v.agent_id`,
      keyColumns(agents),
    );
    return new Map(rows.map((row) => [`${row.tenant}/${row.agent_id}`, toShift(row)]));
  }

  /** Stores the agents' days and levels (each agent at most once per call). */
  async save(manager: EntityManager, days: readonly (AgentKey & { day: AgentDay; level: WellbeingLevel })[]): Promise<void> {
    if (days.length === 0) return;
    const rows = [...days].sort(byTenantThen((row) => row.agentId));
    await queryPrepared(manager,
      `INSERT INTO ${this.table} (tenant, agent_id, day, level)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[])
       ON CONFLICT (tenant, agent_id) DO UPDATE SET day = EXCLUDED.day, level = EXCLUDED.level, updated_at = now()`,
      [...keyColumns(rows), rows.map((row) => JSON.stringify(row.day)), rows.map((row) => row.level)],
    );
  }

  async find(tenant: string, agentId: string): Promise<AgentDay | undefined> {
    const rows: { day: StoredDay }[] = await queryPrepared(this.dataSource, `SELECT day FROM ${this.table} WHERE tenant = $1 AND agent_id = $2`, [tenant, agentId]);
    return rows[0] && fromStored(rows[0].day);
  }

  /** Every agent's day in the tenant. */
  async findAll(tenant: string): Promise<Map<string, AgentDay>> {
    const rows: { agent_id: string; day: StoredDay }[] = await queryPrepared(this.dataSource, `SELECT agent_id, day FROM ${this.table} WHERE tenant = $1`, [tenant]);
    return new Map(rows.map((row) => [row.agent_id, fromStored(row.day)]));
  }
}
