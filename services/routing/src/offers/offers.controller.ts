import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { shortTextSchema } from '@switchboard/contracts';
import { ApiZodBody, CurrentPrincipal, Principal, Roles, ZodValidationPipe } from '@switchboard/platform';
import { withoutNul } from '../validation/without-nul';
import { OfferLifecycleService } from './offer-lifecycle.service';

const rejectBodySchema = withoutNul(z.strictObject({ reason: shortTextSchema.optional() }));
const offerIdParam = new ZodValidationPipe(z.uuid(), 'id');

@Controller('v1/offers')
@Roles('agent')
export class OffersController {
  constructor(private readonly offers: OfferLifecycleService) {}

  @Post(':id/accept')
  @HttpCode(200)
  async accept(@CurrentPrincipal() principal: Principal, @Param('id', offerIdParam) id: string): Promise<Record<string, unknown>> {
    return this.offers.accept(principal, id);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiZodBody(rejectBodySchema)
  async reject(
    @CurrentPrincipal() principal: Principal,
    @Param('id', offerIdParam) id: string,
    @Body(new ZodValidationPipe(rejectBodySchema)) body: z.infer<typeof rejectBodySchema> | undefined,
  ): Promise<Record<string, unknown>> {
    return this.offers.reject(principal, id, body?.reason);
  }
}
