import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { z } from 'zod';
import { channelSchema } from '@switchboard/contracts';
import { routingIdSchema, withoutNul } from '../validation/without-nul';
import { ApiZodBody, CurrentPrincipal, NotFoundError, Principal, Roles, ZodValidationPipe } from '@switchboard/platform';
import { capacityVerdict } from '../engine/capacity';
import { STRATEGIES } from '../engine/engine.types';
import { DispatchSignal } from '../dispatch/dispatch-signal';
import { HotStateRepository } from '../hot-state/hot-state.repository';
import { RoutingRepository } from '../persistence/routing.repository';
import type { QueueRow } from '../persistence/rows';

export const queueBodySchema = withoutNul(z.strictObject({
  name: z.string().min(1).max(256),
  channel: channelSchema,
  requiredSkills: z.record(z.string().min(1).max(64), z.number().int().min(1).max(5)).default({}),
  priority: z.number().int().min(0).max(10).default(5),
  sla: z.strictObject({ percent: z.number().min(0).max(100), seconds: z.number().int().min(1) }).default({ percent: 80, seconds: 20 }),
  strategy: z.enum(STRATEGIES).default('longest-idle'),
  offerTimeoutSeconds: z.number().int().min(1).max(600).default(20),
  wrapUpSeconds: z.number().int().min(0).max(3600).default(30),
  overflow: z.array(z.strictObject({ afterSeconds: z.number().int().min(0).max(86_400), minSkillLevel: z.number().int().min(0).max(5) })).max(10).default([]),
}));
const idParam = new ZodValidationPipe(routingIdSchema, 'id');

function view(q: QueueRow): Record<string, unknown> {
  return {
    id: q.id, name: q.name, channel: q.channel, requiredSkills: q.required_skills, priority: q.priority, sla: q.sla,
    strategy: q.strategy, offerTimeoutSeconds: q.offer_timeout_seconds, wrapUpSeconds: q.wrap_up_seconds, overflow: q.overflow,
  };
}

@Controller('v1/queues')
@Roles('admin', 'supervisor')
export class QueuesController {
  constructor(
    private readonly repo: RoutingRepository,
    private readonly hot: HotStateRepository,
    private readonly signal: DispatchSignal,
  ) {}

  @Put(':id')
  @ApiZodBody(queueBodySchema)
  async put(
    @CurrentPrincipal() principal: Principal,
    @Param('id', idParam) id: string,
    @Body(new ZodValidationPipe(queueBodySchema)) body: z.infer<typeof queueBodySchema>,
  ): Promise<Record<string, unknown>> {
    await this.repo.upsertQueue({
      tenant: principal.tenant, id, name: body.name, channel: body.channel, required_skills: body.requiredSkills, priority: body.priority,
      sla: body.sla, strategy: body.strategy, offer_timeout_seconds: body.offerTimeoutSeconds, wrap_up_seconds: body.wrapUpSeconds,
      overflow: [...body.overflow].sort((a, b) => a.afterSeconds - b.afterSeconds),
    });
    await this.signal.changed(principal.tenant);
    return this.get(principal, id);
  }

  @Get(':id')
  async get(@CurrentPrincipal() principal: Principal, @Param('id', idParam) id: string): Promise<Record<string, unknown>> {
    const queue = await this.repo.queue(principal.tenant, id);
    if (!queue) throw new NotFoundError(`Queue ${id} not found.`, 'ROUTING.QUEUE_NOT_FOUND');
    return view(queue);
  }

  @Get(':id/status')
  async status(@CurrentPrincipal() principal: Principal, @Param('id', idParam) id: string): Promise<Record<string, unknown>> {
    const queue = await this.repo.queue(principal.tenant, id);
    if (!queue) throw new NotFoundError(`Queue ${id} not found.`, 'ROUTING.QUEUE_NOT_FOUND');
    const [waiting, agents, loads] = await Promise.all([this.repo.waitingInQueue(principal.tenant, id), this.repo.agents(principal.tenant), this.hot.loads(principal.tenant)]);
    const now = Date.now();
    const eligible = agents.filter((a) => Object.entries(queue.required_skills).every(([s, l]) => (a.skills[s] ?? 0) >= l) && (a.capacity[queue.channel] ?? 0) > 0);
    const available = eligible.filter((a) => a.state === 'available' && !capacityVerdict(a.capacity, loads.get(a.id) ?? {}, queue.channel));
    return {
      queueId: id,
      depth: waiting.filter((i) => i.status === 'queued').length,
      offered: waiting.filter((i) => i.status === 'offered').length,
      waiting: waiting.map((i) => ({ interactionId: i.id, status: i.status, waitMs: now - i.queued_at.getTime(), priority: i.priority ?? queue.priority })),
      longestWaitMs: waiting[0] ? now - waiting[0].queued_at.getTime() : 0,
      agentsEligible: eligible.length,
      agentsAvailable: available.length,
    };
  }
}
