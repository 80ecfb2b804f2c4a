import { Injectable } from '@nestjs/common';
import { AppError, UnauthorizedError, ValidationError, zodIssues } from '@switchboard/platform';
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import { IngestEventsUseCase, type IngestResult } from '../../ingestion/ingest-events.use-case';
import { IntegrationsService } from '../../integrations/integrations.service';
import { mapOrReject } from '../../mapping/unmappable';
import { DEFAULT_QUEUE_ID, mapTwilioStatus } from './twilio-status.mapper';
import { twilioStatusCallbackSchema } from './twilio-status.schema';

export interface TwilioCallback {
  tenantId: string;
  /** The URL Twilio called, as it signed it (public base URL + path + query). */
  url: string;
  signature: string | undefined;
  params: Record<string, unknown>;
  queueId: string | undefined;
}

/**
 * A Twilio voice status callback: verified against the tenant's auth token first (nothing about an
 * unsigned request is disclosed), then validated, mapped and ingested like any event.
 */
@Injectable()
export class TwilioCallbackUseCase {
  constructor(
    private readonly integrations: IntegrationsService,
    private readonly ingest: IngestEventsUseCase,
  ) {}

  async execute(callback: TwilioCallback): Promise<IngestResult> {
    if (!callback.signature) throw new UnauthorizedError('The X-Twilio-Signature header is missing.', 'INTAKE.SIGNATURE_MISSING');
    const integration = await this.integrations.find(callback.tenantId, 'twilio');
    if (!integration) {
      // An unknown tenant and a tenant without Twilio look the same from outside.
      throw new AppError('No Twilio integration accepts callbacks at this URL.', { code: 'INTAKE.INTEGRATION_NOT_CONFIGURED', status: 403, title: 'Forbidden' });
    }
    if (!validateRequest(integration.settings.authToken, callback.signature, callback.url, callback.params)) {
      throw new AppError('The X-Twilio-Signature does not match this request.', { code: 'INTAKE.BAD_SIGNATURE', status: 403, title: 'Forbidden' });
    }
    const parsed = twilioStatusCallbackSchema.safeParse(callback.params);
    if (!parsed.success) throw new ValidationError('The status callback is invalid.', zodIssues(parsed.error), 'INTAKE.INVALID_CALLBACK');
    const events = mapOrReject(() =>
      mapTwilioStatus(parsed.data, {
        tenantId: callback.tenantId,
        queueId: callback.queueId ?? integration.settings.defaultQueueId ?? DEFAULT_QUEUE_ID,
        receivedAt: new Date(),
      }),
    );
    return this.ingest.execute(callback.tenantId, events, { rateLimited: true });
  }
}
