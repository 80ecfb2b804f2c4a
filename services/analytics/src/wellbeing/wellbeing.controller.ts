import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiZodBody, CurrentPrincipal, NotFoundError, Roles, type Principal, ZodValidationPipe } from '@switchboard/platform';
import { z } from 'zod';
import { isTimeZone, type Shift } from './shift';
import { computeWellbeing, type Wellbeing } from './wellbeing-model';
import { WellbeingRepository } from './wellbeing.repository';

const idSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:@+-]+$/);
const timeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Expected a time HH:MM (24 h)');
const shiftSchema = z
  .object({
    start: timeSchema,
    end: timeSchema,
    timeZone: z.string().min(1).max(64).refine(isTimeZone, 'Expected an IANA time zone such as "Europe/Berlin"'),
  })
  .strict()
  .refine((shift) => shift.start !== shift.end, { message: 'start and end must differ', path: ['end'] });

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
    const [day, shift] = await Promise.all([this.repository.find(principal.tenant, id), this.repository.findShift(principal.tenant, id)]);
    if (!day) throw new NotFoundError(`Agent ${id} has no activity on record.`, 'ANALYTICS.AGENT_NOT_FOUND');
    const now = new Date();
    return { agentId: id, at: now.toISOString(), ...computeWellbeing(day, now, shift) };
  }

  /** Sets the agent's working hours; time logged in outside them adds strain (`off_shift`). */
  @Put(':id/shift')
  @HttpCode(200)
  @Roles('supervisor', 'admin')
  @ApiZodBody(shiftSchema)
  async setShift(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodValidationPipe(idSchema, 'id')) id: string,
    @Body(new ZodValidationPipe(shiftSchema)) body: Shift,
  ): Promise<Shift & { agentId: string }> {
    await this.repository.saveShift(principal.tenant, id, body);
    return { agentId: id, ...body };
  }

  @Get(':id/shift')
  async shift(@CurrentPrincipal() principal: Principal, @Param('id', new ZodValidationPipe(idSchema, 'id')) id: string): Promise<Shift & { agentId: string }> {
    principal.assertMayActAsAgent(id);
    const shift = await this.repository.findShift(principal.tenant, id);
    if (!shift) throw new NotFoundError(`Agent ${id} has no shift on record.`, 'ANALYTICS.SHIFT_NOT_FOUND');
    return { agentId: id, ...shift };
  }

  @Delete(':id/shift')
  @HttpCode(204)
  @Roles('supervisor', 'admin')
  async deleteShift(@CurrentPrincipal() principal: Principal, @Param('id', new ZodValidationPipe(idSchema, 'id')) id: string): Promise<void> {
    if (!(await this.repository.deleteShift(principal.tenant, id))) {
      throw new NotFoundError(`Agent ${id} has no shift on record.`, 'ANALYTICS.SHIFT_NOT_FOUND');
    }
  }
}
