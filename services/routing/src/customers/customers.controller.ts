import { Controller, Get, Param } from '@nestjs/common';
import { CurrentPrincipal, NotFoundError, Principal, Roles, ZodValidationPipe } from '@switchboard/platform';
import { RoutingRepository } from '../persistence/routing.repository';
import { routingIdSchema } from '../validation/without-nul';

@Controller('v1/customers')
@Roles('admin', 'supervisor')
export class CustomersController {
  constructor(private readonly repo: RoutingRepository) {}

  /** What routing knows of a customer: the flags its wellbeing rules act on, and its contact history. */
  @Get(':id')
  async get(@CurrentPrincipal() principal: Principal, @Param('id', new ZodValidationPipe(routingIdSchema, 'id')) id: string): Promise<Record<string, unknown>> {
    const row = await this.repo.customer(principal.tenant, id);
    if (!row) throw new NotFoundError(`Customer ${id} not known to routing.`, 'ROUTING.CUSTOMER_NOT_FOUND');
    const abusive = row.abusive ?? false;
    return {
      customerId: id,
      abusive,
      churnLevel: row.churn_level ?? undefined,
      volatile: abusive || row.churn_level === 'high',
      contacts: row.contacts,
      lastContactAt: row.last_contact_at?.toISOString(),
      lastAgentId: row.last_agent_id ?? undefined,
    };
  }
}
