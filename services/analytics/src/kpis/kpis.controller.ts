import { Body, Controller, Get, HttpCode, Inject, Param, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { slaTargetSchema, type KpiWindow } from '@switchboard/contracts';
import { ApiZodBody, ApiZodQuery, CurrentPrincipal, NotFoundError, Roles, SERVICE_ENV, ZodValidationPipe, type Principal } from '@switchboard/platform';
import { z } from 'zod';
import type { AnalyticsEnv } from '../config/analytics.config';
import { dayWindow, liveWindow, type SlaTarget } from './kpi-model';
import { KpiQueryService, type AgentKpis, type KpiOverview, type MinuteHistory, type QueueKpis } from './kpi-query.service';
import { KpiRepository } from './kpi.repository';
import { computeWellbeing } from '../wellbeing/wellbeing-model';
import { WellbeingRepository } from '../wellbeing/wellbeing.repository';

export type AgentOverview = AgentKpis & { wellbeing?: { score: number; level: string } };

const idSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:@+-]+$/);

export const windowQuerySchema = z
  .object({
    window: z.enum(['live', 'day']).default('live'),
    minutes: z.coerce.number().int().min(1).max(1440).optional().describe('Length of the live window (default ANALYTICS_KPI_WINDOW_MINUTES).'),
    date: z.iso.date().optional().describe('UTC day (YYYY-MM-DD) of a day window; default today.'),
  })
  .strict()
  .refine((q) => q.window === 'day' || q.date === undefined, { message: 'date applies to window=day only', path: ['date'] })
  .refine((q) => q.window === 'live' || q.minutes === undefined, { message: 'minutes applies to window=live only', path: ['minutes'] });
type WindowQuery = z.infer<typeof windowQuerySchema>;

export const historyQuerySchema = z
  .object({ minutes: z.coerce.number().int().min(1).max(1440).default(60).describe('How many minutes, the current one included (default 60).') })
  .strict();
type HistoryQuery = z.infer<typeof historyQuerySchema>;

const slaBodySchema = slaTargetSchema.strict();

@ApiTags('kpis')
@Controller('v1')
export class KpisController {
  constructor(
    private readonly queries: KpiQueryService,
    private readonly repository: KpiRepository,
    private readonly wellbeing: WellbeingRepository,
    @Inject(SERVICE_ENV) private readonly env: AnalyticsEnv,
  ) {}

  /**
   * The tenant's KPIs, each queue's (with Erlang C staffing) and each agent's state and occupancy, over a live window or a
   * day; an agent token gets only its own agent entry.
   */
  @Get('kpis')
  @Roles('agent', 'supervisor', 'admin')
  @ApiZodQuery(windowQuerySchema)
  async kpis(@CurrentPrincipal() principal: Principal, @Query(new ZodValidationPipe(windowQuerySchema)) query: WindowQuery): Promise<KpiOverview> {
    const overview = await this.queries.overview(principal.tenant, this.window(query));
    // Queue and tenant figures are for everyone; an agent's own occupancy is theirs alone.
    return principal.role === 'agent' ? { ...overview, agents: overview.agents.filter((agent) => agent.agentId === principal.subject) } : overview;
  }

  /**
   * The tenant's last minutes, one entry each: contacts offered, answered and abandoned in it, and the service level of
   * the live window ending with it (for charts of the last hour that are whole from the first look).
   */
  @Get('kpis/minutes')
  @Roles('agent', 'supervisor', 'admin')
  @ApiZodQuery(historyQuerySchema)
  async minutes(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(historyQuerySchema)) query: HistoryQuery,
  ): Promise<{ windowMinutes: number; minutes: MinuteHistory[] }> {
    const windowMinutes = this.env.ANALYTICS_KPI_WINDOW_MINUTES;
    return { windowMinutes, minutes: await this.queries.history(principal.tenant, new Date(), query.minutes, windowMinutes) };
  }

  /** One queue's KPIs, SLA target, breach verdict and Erlang C staffing recommendation. */
  @Get('queues/:id/kpis')
  @Roles('agent', 'supervisor', 'admin')
  @ApiZodQuery(windowQuerySchema)
  async queueKpis(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodValidationPipe(idSchema, 'id')) id: string,
    @Query(new ZodValidationPipe(windowQuerySchema)) query: WindowQuery,
  ): Promise<QueueKpis> {
    const kpis = await this.queries.findQueue(principal.tenant, id, this.window(query));
    if (!kpis) throw new NotFoundError(`Queue ${id} has no contacts and no SLA target on record.`, 'ANALYTICS.QUEUE_NOT_FOUND');
    return kpis;
  }

  /** Sets the queue's SLA target (what its service level and staffing are measured against). */
  @Put('queues/:id/sla')
  @HttpCode(200)
  @Roles('supervisor', 'admin')
  @ApiZodBody(slaBodySchema)
  async setSla(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodValidationPipe(idSchema, 'id')) id: string,
    @Body(new ZodValidationPipe(slaBodySchema)) body: SlaTarget,
  ): Promise<{ queueId: string; target: SlaTarget }> {
    await this.repository.setTarget(principal.tenant, id, body);
    return { queueId: id, target: body };
  }

  /** The queue's SLA target (the default when it has none of its own). */
  @Get('queues/:id/sla')
  @Roles('agent', 'supervisor', 'admin')
  async sla(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodValidationPipe(idSchema, 'id')) id: string,
  ): Promise<{ queueId: string; target: SlaTarget; targetIsDefault: boolean }> {
    const [queue] = await this.repository.queues(principal.tenant, id);
    return { queueId: id, target: queue?.target ?? this.queries.defaultTarget, targetIsDefault: queue?.target === undefined };
  }

  /** Every agent's state now (or at the end of the day asked for), occupancy within the window and strain now. */
  @Get('agents')
  @Roles('supervisor', 'admin')
  @ApiZodQuery(windowQuerySchema)
  async agents(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(windowQuerySchema)) query: WindowQuery,
  ): Promise<{ window: KpiWindow; agents: AgentOverview[] }> {
    const window = this.window(query);
    const [agents, days, shifts] = await Promise.all([
      this.queries.agents(principal.tenant, window),
      this.wellbeing.findAll(principal.tenant),
      this.wellbeing.findAllShifts(principal.tenant),
    ]);
    const now = new Date();
    return {
      window,
      agents: agents.map((agent) => {
        const day = days.get(agent.agentId);
        if (!day) return agent;
        const { score, level } = computeWellbeing(day, now, shifts.get(agent.agentId));
        return { ...agent, wellbeing: { score, level } };
      }),
    };
  }

  private window(query: WindowQuery): KpiWindow {
    const now = new Date();
    return query.window === 'day' ? dayWindow(now, query.date) : liveWindow(now, query.minutes ?? this.env.ANALYTICS_KPI_WINDOW_MINUTES);
  }
}
