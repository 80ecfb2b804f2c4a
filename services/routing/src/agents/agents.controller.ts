import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { z } from 'zod';
import { agentStateSchema, channelSchema, languageTagSchema, shortTextSchema } from '@switchboard/contracts';
import { routingIdSchema, withoutNul } from '../validation/without-nul';
import { ApiZodBody, CurrentPrincipal, ForbiddenError, NotFoundError, Principal, Roles, ZodValidationPipe } from '@switchboard/platform';
import { DEFAULT_CAPACITY } from '../engine/capacity';
import { DispatchSignal } from '../dispatch/dispatch-signal';
import { RoutingRepository } from '../persistence/routing.repository';
import type { AgentRow } from '../persistence/rows';
import { PresenceService } from './presence.service';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Expected HH:MM');
export const agentBodySchema = withoutNul(z.strictObject({
  name: z.string().min(1).max(256),
  skills: z.record(z.string().min(1).max(64), z.number().int().min(1).max(5)).default({}),
  capacity: z.partialRecord(channelSchema, z.number().int().min(0).max(50)).optional(),
  languages: z.array(languageTagSchema).min(1).max(20).default(['en']),
  team: z.string().min(1).max(128).optional(),
  startedAt: z.iso.date().or(z.iso.datetime({ offset: true })).optional(),
  shift: z.strictObject({ start: time, end: time, timeZone: z.string().min(1).max(64) }).optional(),
}));
const stateBodySchema = withoutNul(z.strictObject({
  state: agentStateSchema.refine((s) => s === 'available' || s === 'break' || s === 'offline', 'Agents set available, break or offline'),
  reason: shortTextSchema.optional(),
}));
const idParam = new ZodValidationPipe(routingIdSchema, 'id');

function view(a: AgentRow): Record<string, unknown> {
  return {
    id: a.id, name: a.name, skills: a.skills, capacity: a.capacity, languages: a.languages, team: a.team ?? undefined,
    startedAt: a.started_at?.toISOString(), shift: a.shift ?? undefined, state: a.state, stateSince: a.state_since.toISOString(),
    stateReason: a.state_reason ?? undefined, strainLevel: a.strain_level, missedInRow: a.missed_in_row,
    wrapUpUntil: a.wrap_up_until?.toISOString(),
  };
}

@Controller('v1/agents')
export class AgentsController {
  constructor(
    private readonly repo: RoutingRepository,
    private readonly presence: PresenceService,
    private readonly signal: DispatchSignal,
  ) {}

  @Put(':id')
  @Roles('admin', 'supervisor')
  @ApiZodBody(agentBodySchema)
  async put(
    @CurrentPrincipal() principal: Principal,
    @Param('id', idParam) id: string,
    @Body(new ZodValidationPipe(agentBodySchema)) body: z.infer<typeof agentBodySchema>,
  ): Promise<Record<string, unknown>> {
    await this.repo.upsertAgent({
      tenant: principal.tenant, id, name: body.name, skills: body.skills, capacity: body.capacity ?? DEFAULT_CAPACITY,
      languages: body.languages, team: body.team ?? null, started_at: body.startedAt ? new Date(body.startedAt) : null, shift: body.shift ?? null,
    });
    await this.signal.changed(principal.tenant);
    return this.get(principal, id);
  }

  @Get()
  @Roles('admin', 'supervisor')
  async list(@CurrentPrincipal() principal: Principal): Promise<{ items: Record<string, unknown>[] }> {
    return { items: (await this.repo.agents(principal.tenant)).map(view) };
  }

  @Get(':id')
  async get(@CurrentPrincipal() principal: Principal, @Param('id', idParam) id: string): Promise<Record<string, unknown>> {
    if (principal.role === 'ingest') throw new ForbiddenError('Ingest tokens cannot read agents.', 'AUTH.ROLE_FORBIDDEN');
    principal.assertMayActAsAgent(id);
    const agent = await this.repo.agent(principal.tenant, id);
    if (!agent) throw new NotFoundError(`Agent ${id} not found.`, 'ROUTING.AGENT_NOT_FOUND');
    return view(agent);
  }

  @Post(':id/state')
  @HttpCode(200)
  @ApiZodBody(stateBodySchema)
  async state(
    @CurrentPrincipal() principal: Principal,
    @Param('id', idParam) id: string,
    @Body(new ZodValidationPipe(stateBodySchema)) body: z.infer<typeof stateBodySchema>,
  ): Promise<Record<string, unknown>> {
    principal.assertMayActAsAgent(id);
    return this.presence.change(principal.tenant, id, body.state, body.reason);
  }
}
