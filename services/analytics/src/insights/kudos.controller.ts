import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiZodQuery, CurrentPrincipal, Roles, ZodValidationPipe, type Principal } from '@switchboard/platform';
import { z } from 'zod';
import { KudosRepository, type KudosEntry } from './kudos.repository';

export const kudosQuerySchema = z
  .object({
    minutes: z.coerce.number().int().min(1).max(10080).default(60).describe('How far back, in minutes (default 60, at most a week).'),
    limit: z.coerce.number().int().min(1).max(100).default(20).describe('Most kudos returned, newest first (default 20).'),
    agentId: z.string().min(1).max(128).regex(/^[A-Za-z0-9._:@+-]+$/).optional().describe("Only this agent's (supervisors and admins)."),
  })
  .strict();
type KudosQuery = z.infer<typeof kudosQuerySchema>;

@ApiTags('insights')
@Controller('v1/kudos')
export class KudosController {
  constructor(private readonly kudos: KudosRepository) {}

  /**
   * The tenant's latest kudos (customers' thanks to their agents, as published in `analytics.kudos`), newest first: the
   * feeds of a page opened after them. An agent token gets only the agent's own.
   */
  @Get()
  @Roles('agent', 'supervisor', 'admin')
  @ApiZodQuery(kudosQuerySchema)
  async recent(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(kudosQuerySchema)) query: KudosQuery,
  ): Promise<{ kudos: KudosEntry[] }> {
    const agentId = principal.role === 'agent' ? principal.subject : query.agentId;
    const since = new Date(Date.now() - query.minutes * 60_000);
    return { kudos: await this.kudos.recent(principal.tenant, since, query.limit, agentId) };
  }
}
