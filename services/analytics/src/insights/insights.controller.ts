import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, NotFoundError, type Principal, Roles, ZodValidationPipe } from '@switchboard/platform';
import { z } from 'zod';
import { InteractionInsightRepository } from './interaction-insight.repository';
import { summaryOf } from './interaction-insights.use-case';

const idSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/);

@ApiTags('insights')
@Controller('v1/interactions')
export class InsightsController {
  constructor(private readonly repository: InteractionInsightRepository) {}

  /** The customer-side trajectory and counts of one interaction; agents see only their own interactions. */
  @Get(':id/insights')
  @Roles('agent', 'supervisor', 'admin')
  async insights(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodValidationPipe(idSchema, 'id')) id: string,
  ): Promise<ReturnType<typeof summaryOf> & { ended: boolean }> {
    const insight = await this.repository.find(principal.tenant, id);
    const visible = insight !== undefined && (principal.role !== 'agent' || insight.agentId === principal.subject);
    if (!visible) throw new NotFoundError(`Interaction ${id} has no insights.`, 'ANALYTICS.INTERACTION_NOT_FOUND');
    return { ...summaryOf(insight), ended: insight.endedAt !== undefined };
  }
}
