import { Body, Controller, Get, Put } from '@nestjs/common';
import type { z } from 'zod';
import { ApiZodBody, CurrentPrincipal, Principal, Roles, ZodValidationPipe } from '@switchboard/platform';
import type { RoutingSettings } from '../engine/engine.types';
import { DispatchSignal } from '../dispatch/dispatch-signal';
import { RoutingRepository } from '../persistence/routing.repository';
import { resolveSettings, settingsSchema } from './settings.schema';

@Controller('v1/settings/wellbeing')
@Roles('admin', 'supervisor')
export class SettingsController {
  constructor(
    private readonly repo: RoutingRepository,
    private readonly signal: DispatchSignal,
  ) {}

  @Get()
  async get(@CurrentPrincipal() principal: Principal): Promise<RoutingSettings> {
    return resolveSettings(await this.repo.settings(principal.tenant));
  }

  @Put()
  @ApiZodBody(settingsSchema)
  async put(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(settingsSchema)) body: z.infer<typeof settingsSchema>,
  ): Promise<RoutingSettings> {
    const merged = { ...(await this.repo.settings(principal.tenant)), ...body };
    await this.repo.saveSettings(principal.tenant, merged);
    await this.signal.changed(principal.tenant);
    return resolveSettings(merged);
  }
}
