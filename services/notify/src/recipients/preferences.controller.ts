import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiZodBody, CurrentPrincipal, NotFoundError, ZodValidationPipe, type Principal } from '@switchboard/platform';
import { z } from 'zod';
import { quietHoursSchema } from '../subscriptions/subscription.schema';
import { PreferenceRepository } from './preference.repository';

const preferencesSchema = z.object({ shift: quietHoursSchema.nullable() });
const agentParamSchema = z.object({ agentId: z.string().min(1).max(128) });

/** An agent's shift: outside it, non-urgent notifications wait for the shift to start. */
@Controller('v1/recipients/:agentId/preferences')
export class PreferencesController {
  constructor(private readonly preferences: PreferenceRepository) {}

  @Put()
  @ApiZodBody(preferencesSchema)
  async put(
    @CurrentPrincipal() principal: Principal,
    @Param(new ZodValidationPipe(agentParamSchema)) params: { agentId: string },
    @Body(new ZodValidationPipe(preferencesSchema)) body: z.infer<typeof preferencesSchema>,
  ) {
    principal.assertMayActAsAgent(params.agentId);
    await this.preferences.put(principal.tenant, params.agentId, body.shift);
    return { agentId: params.agentId, shift: body.shift };
  }

  @Get()
  async get(@CurrentPrincipal() principal: Principal, @Param(new ZodValidationPipe(agentParamSchema)) params: { agentId: string }) {
    principal.assertMayActAsAgent(params.agentId);
    const found = await this.preferences.get(principal.tenant, params.agentId);
    if (!found) throw new NotFoundError(`No preferences for agent ${params.agentId}.`, 'NOTIFY.PREFERENCES_NOT_FOUND');
    return { agentId: params.agentId, shift: found.shift };
  }
}
