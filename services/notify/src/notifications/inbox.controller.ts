import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiZodQuery, CurrentPrincipal, NotFoundError, ZodValidationPipe, type Principal } from '@switchboard/platform';
import { z } from 'zod';
import { Clock } from '../clock/clock';
import { toWire } from '../realtime/wire-message';
import { NotificationRepository } from './notification.repository';
import { recipientsOf } from './recipients';

const inboxQuerySchema = z.object({
  since: z.string().regex(/^\d{1,18}$/, 'a cursor from a previous item').optional(),
  includeAcked: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const idParamSchema = z.object({ id: z.uuid() });

/** The caller's persisted inbox: what the WebSocket delivered or would have delivered. */
@Controller('v1/inbox')
export class InboxController {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiZodQuery(inboxQuerySchema)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(inboxQuerySchema)) query: z.infer<typeof inboxQuerySchema>,
  ): Promise<{ items: Record<string, unknown>[]; cursor: string | null }> {
    const items = await this.notifications.inbox(principal.tenant, recipientsOf(principal), { ...query, asOf: this.clock.now() });
    return { items: items.map(toWire), cursor: items.at(-1)?.seq ?? query.since ?? null };
  }

  @Post(':id/ack')
  async ack(@CurrentPrincipal() principal: Principal, @Param(new ZodValidationPipe(idParamSchema)) params: { id: string }) {
    const acked = await this.notifications.ack(
      principal.tenant,
      recipientsOf(principal),
      params.id,
      principal.subject ?? principal.role,
      this.clock.now(),
    );
    if (!acked) throw new NotFoundError(`Notification ${params.id} not found.`, 'NOTIFY.NOTIFICATION_NOT_FOUND');
    return toWire(acked);
  }
}
