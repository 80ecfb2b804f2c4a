import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, NotFoundError, type Principal, Roles, ZodValidationPipe } from '@switchboard/platform';
import { z } from 'zod';
import { ChurnRepository, type StoredChurnRisk } from './churn.repository';

const idSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:@+-]+$/);

@ApiTags('churn')
@Controller('v1/customers')
export class ChurnController {
  constructor(private readonly repository: ChurnRepository) {}

  /** The customer's latest churn assessment with its reasons. */
  @Get(':id/churn-risk')
  @Roles('agent', 'supervisor', 'admin')
  async churnRisk(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodValidationPipe(idSchema, 'id')) id: string,
  ): Promise<StoredChurnRisk> {
    const found = await this.repository.find(principal.tenant, id);
    if (!found) throw new NotFoundError(`Customer ${id} has no churn assessment.`, 'ANALYTICS.CUSTOMER_NOT_FOUND');
    return found;
  }
}
