import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, NotFoundError, type Principal, ZodValidationPipe } from '@switchboard/platform';
import { z } from 'zod';
import { computeWellbeing, type Wellbeing } from './wellbeing-model';
import { WellbeingRepository } from './wellbeing.repository';

const idSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:@+-]+$/);

@ApiTags('wellbeing')
@Controller('v1/agents')
export class WellbeingController {
  constructor(private readonly repository: WellbeingRepository) {}

  /** The agent's strain now, with each factor's contribution; an agent sees only their own. */
  @Get(':id/wellbeing')
  async wellbeing(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodValidationPipe(idSchema, 'id')) id: string,
  ): Promise<Wellbeing & { agentId: string; at: string }> {
    principal.assertMayActAsAgent(id);
    const day = await this.repository.find(principal.tenant, id);
    if (!day) throw new NotFoundError(`Agent ${id} has no activity on record.`, 'ANALYTICS.AGENT_NOT_FOUND');
    const now = new Date();
    return { agentId: id, at: now.toISOString(), ...computeWellbeing(day, now) };
  }
}
