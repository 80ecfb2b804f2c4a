import { Controller, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { tenantIdSchema } from '@switchboard/contracts';
import { AppError, Public, ZodValidationPipe } from '@switchboard/platform';
import { INTAKE_SETTINGS, type IntakeSettings } from '../../config/intake.config';
import type { IngestResult } from '../../ingestion/ingest-events.use-case';
import { TwilioCallbackUseCase } from './twilio-callback.use-case';
import { twilioQuerySchema } from './twilio-status.schema';

const FORM = 'application/x-www-form-urlencoded';

@ApiTags('webhooks')
@Controller('v1/webhooks/twilio')
export class TwilioWebhookController {
  constructor(
    private readonly callbacks: TwilioCallbackUseCase,
    @Inject(INTAKE_SETTINGS) private readonly settings: IntakeSettings,
  ) {}

  @Post(':tenant/voice')
  @Public()
  @HttpCode(202)
  @ApiSecurity('X-Twilio-Signature')
  @ApiConsumes(FORM)
  @ApiOperation({
    summary: 'Twilio voice status callback (signed with the tenant’s auth token)',
    description: 'Configure as the StatusCallback of the tenant’s numbers; `?queueId=` picks the queue of the interactions it creates.',
  })
  async voice(
    @Param('tenant', new ZodValidationPipe(tenantIdSchema, 'tenant')) tenantId: string,
    @Query(new ZodValidationPipe(twilioQuerySchema)) query: { queueId?: string },
    @Req() request: FastifyRequest,
  ): Promise<IngestResult> {
    const media = (request.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase();
    if (media !== FORM) {
      throw new AppError(`Twilio callbacks are ${FORM}.`, { code: 'HTTP.UNSUPPORTED_MEDIA_TYPE', status: 415, title: 'Unsupported media type' });
    }
    const signature = request.headers['x-twilio-signature'];
    const base = this.settings.publicBaseUrl ?? `${request.protocol}://${request.host}`;
    return this.callbacks.execute({
      tenantId,
      url: `${base}${request.url}`,
      signature: typeof signature === 'string' ? signature : undefined,
      params: isRecord(request.body) ? request.body : {},
      queueId: query.queueId,
    });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
