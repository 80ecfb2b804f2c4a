import { randomBytes, randomUUID } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import {
  ApiZodBody,
  CurrentPrincipal,
  NotFoundError,
  Roles,
  SERVICE_ENV,
  ZodValidationPipe,
  type Principal,
} from '@switchboard/platform';
import type { NotifyEnv } from '../config/notify.config';
import { Subscription, SubscriptionRepository } from './subscription.repository';
import {
  createSubscriptionSchema,
  idParamSchema,
  updateSubscriptionSchema,
  type CreateSubscription,
  type UpdateSubscription,
} from './subscription.schema';
import { assertPublicTarget } from './target-guard';

/** The secret is shown once, when the subscription is created. */
function view(s: Subscription, withSecret = false): Record<string, unknown> {
  const { secret, tenant: _tenant, ...rest } = s;
  return withSecret ? { ...rest, secret } : { ...rest, hasSecret: secret !== null };
}

@Controller('v1/subscriptions')
@Roles('admin', 'supervisor')
export class SubscriptionsController {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    @Inject(SERVICE_ENV) private readonly env: NotifyEnv,
  ) {}

  @Post()
  @ApiZodBody(createSubscriptionSchema)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(createSubscriptionSchema)) body: CreateSubscription,
  ): Promise<Record<string, unknown>> {
    if (body.channel !== 'email') await assertPublicTarget(body.target, this.env.NOTIFY_ALLOW_PRIVATE_TARGETS);
    const created = await this.subscriptions.create({
      id: randomUUID(),
      tenant: principal.tenant,
      channel: body.channel,
      target: body.target,
      secret: body.channel === 'webhook' ? (body.secret ?? randomBytes(24).toString('hex')) : null,
      eventTypes: body.eventTypes,
      minSeverity: body.minSeverity,
      quietHours: body.quietHours,
      escalateAfterSeconds: body.escalateAfterSeconds,
      digestIntervalSeconds: body.digestIntervalSeconds,
    });
    return view(created, true);
  }

  @Get()
  async list(@CurrentPrincipal() principal: Principal): Promise<{ items: Record<string, unknown>[] }> {
    return { items: (await this.subscriptions.list(principal.tenant)).map((s) => view(s)) };
  }

  @Get(':id')
  async get(@CurrentPrincipal() principal: Principal, @Param(new ZodValidationPipe(idParamSchema)) params: { id: string }) {
    const found = await this.subscriptions.find(principal.tenant, params.id);
    if (!found) throw new NotFoundError(`Subscription ${params.id} not found.`, 'NOTIFY.SUBSCRIPTION_NOT_FOUND');
    return view(found);
  }

  @Patch(':id')
  @ApiZodBody(updateSubscriptionSchema)
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param(new ZodValidationPipe(idParamSchema)) params: { id: string },
    @Body(new ZodValidationPipe(updateSubscriptionSchema)) body: UpdateSubscription,
  ) {
    const updated = await this.subscriptions.update(principal.tenant, params.id, body);
    if (!updated) throw new NotFoundError(`Subscription ${params.id} not found.`, 'NOTIFY.SUBSCRIPTION_NOT_FOUND');
    return view(updated);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentPrincipal() principal: Principal, @Param(new ZodValidationPipe(idParamSchema)) params: { id: string }) {
    if (!(await this.subscriptions.remove(principal.tenant, params.id))) {
      throw new NotFoundError(`Subscription ${params.id} not found.`, 'NOTIFY.SUBSCRIPTION_NOT_FOUND');
    }
  }
}
