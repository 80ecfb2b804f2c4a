import { Injectable } from '@nestjs/common';
import type { WellbeingLevel } from '@switchboard/contracts';
import { quoteIdent } from '@switchboard/platform';
import { DataSource, type EntityManager } from 'typeorm';
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

/** Agents' days, last strain levels and shifts (Postgres, the service's schema). */
@Injectable()
export class WellbeingRepository {
  private readonly table: string;
  private readonly shifts: string;

  constructor(private readonly dataSource: DataSource) {
    const schema = quoteIdent((dataSource.options as { schema?: string }).schema ?? 'public');
    this.table = `${schema}.agent_wellbeing`;
    this.shifts = `${schema}.agent_shift`;
  }

  async saveShift(tenant: string, agentId: string, shift: Shift): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${this.shifts} (tenant, agent_id, start_time, end_time, time_zone) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant, agent_id) DO UPDATE SET start_time = $3, end_time = $4, time_zone = $5`,
      [tenant, agentId, shift.start, shift.end, shift.timeZone],
    );
  }

  /** True when there was a shift to remove. */
  async deleteShift(tenant: string, agentId: string): Promise<boolean> {
    const [, deleted]: [unknown[], number] = await this.dataSource.query(`DELETE FROM ${this.shifts} WHERE tenant = $1 AND agent_id = $2`, [tenant, agentId]);
    return deleted > 0;
  }

  /** The agent's shift (inside a transaction when `manager` is given). */
  async findShift(tenant: string, agentId: string, manager?: EntityManager): Promise<Shift | undefined> {
    const rows: ShiftRow[] = await (manager ?? this.dataSource).query(
      `SELECT agent_id, start_time, end_time, time_zone FROM ${this.shifts} WHERE tenant = $1 AND agent_id = $2`,
      [tenant, agentId],
    );
    return rows[0] && toShift(rows[0]);
  }

  async findAllShifts(tenant: string): Promise<Map<string, Shift>> {
    const rows: ShiftRow[] = await this.dataSource.query(`SELECT agent_id, start_time, end_time, time_zone FROM ${this.shifts} WHERE tenant = $1`, [tenant]);
    return new Map(rows.map((row) => [row.agent_id, toShift(row)]));
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
