import { Controller, Get, Param } from '@nestjs/common';
import { routingIdSchema } from '../validation/without-nul';
import { CurrentPrincipal, NotFoundError, Principal, Roles, ZodValidationPipe } from '@switchboard/platform';
import { RoutingRepository } from '../persistence/routing.repository';

@Controller('v1/interactions')
@Roles('admin', 'supervisor')
export class InteractionsController {
  constructor(private readonly repo: RoutingRepository) {}

  /** The decision log: every decision with candidates, rule outcomes, scores and the winner. */
  @Get(':id/routing')
  async routing(@CurrentPrincipal() principal: Principal, @Param('id', new ZodValidationPipe(routingIdSchema, 'id')) id: string): Promise<Record<string, unknown>> {
    const interaction = await this.repo.interaction(principal.tenant, id);
    if (!interaction) throw new NotFoundError(`Interaction ${id} not found.`, 'ROUTING.INTERACTION_NOT_FOUND');
    const decisions = await this.repo.decisions(principal.tenant, id);
    return {
      interactionId: id, queueId: interaction.queue_id, status: interaction.status, agentId: interaction.agent_id ?? undefined,
      declinedBy: interaction.declined_by,
      abusive: interaction.abusive,
      disposition: interaction.disposed_at
        ? { resolved: interaction.resolved ?? undefined, code: interaction.disposition_code ?? undefined, at: interaction.disposed_at.toISOString() }
        : undefined,
      decisions: decisions.map((d) => ({ decidedAt: d.decided_at.toISOString(), ...(d.explanation as Record<string, unknown>) })),
    };
  }
}
