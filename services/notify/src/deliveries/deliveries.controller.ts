import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiZodQuery, ConflictError, CurrentPrincipal, NotFoundError, Roles, ZodValidationPipe, type Principal } from '@switchboard/platform';
import { z } from 'zod';
import { Clock } from '../clock/clock';
import { DELIVERY_STATUSES, DeliveryRepository, type Delivery } from './delivery.repository';
import { DeliveryWorker } from './delivery.worker';

const listQuerySchema = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  subscriptionId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const idParamSchema = z.object({ id: z.uuid() });

function view(d: Delivery): Omit<Delivery, 'tenant'> {
  const { tenant: _tenant, ...rest } = d;
  return rest;
}

/** The delivery log of external channels and redelivery on request. */
@Controller('v1/deliveries')
@Roles('admin', 'supervisor')
export class DeliveriesController {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly worker: DeliveryWorker,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiZodQuery(listQuerySchema)
  async list(@CurrentPrincipal() principal: Principal, @Query(new ZodValidationPipe(listQuerySchema)) query: z.infer<typeof listQuerySchema>) {
    return { items: (await this.deliveries.list(principal.tenant, query)).map(view) };
  }

  @Get(':id')
  async get(@CurrentPrincipal() principal: Principal, @Param(new ZodValidationPipe(idParamSchema)) params: { id: string }) {
    const found = await this.deliveries.find(principal.tenant, params.id);
    if (!found) throw new NotFoundError(`Delivery ${params.id} not found.`, 'NOTIFY.DELIVERY_NOT_FOUND');
    return view(found);
  }

  @Post(':id/redeliver')
  @HttpCode(202)
  async redeliver(@CurrentPrincipal() principal: Principal, @Param(new ZodValidationPipe(idParamSchema)) params: { id: string }) {
    const found = await this.deliveries.find(principal.tenant, params.id);
    if (!found) throw new NotFoundError(`Delivery ${params.id} not found.`, 'NOTIFY.DELIVERY_NOT_FOUND');
    const queued = await this.deliveries.redeliver(principal.tenant, params.id, this.clock.now());
    if (!queued) throw new ConflictError(`Delivery ${params.id} is being attempted right now.`, 'NOTIFY.DELIVERY_IN_FLIGHT');
    this.worker.kick();
    return view(queued);
  }
}
