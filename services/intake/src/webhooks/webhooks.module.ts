import { Module } from '@nestjs/common';
import { IngestionModule } from '../ingestion/ingestion.module';
import { IntegrationsModule } from '../integrations/integrations.module';
import { FormBodyParser } from './form-body.parser';
import { TwilioCallbackUseCase } from './twilio/twilio-callback.use-case';
import { TwilioWebhookController } from './twilio/twilio-webhook.controller';

/** Vendor webhooks: Twilio voice status callbacks and Amazon Connect events. */
@Module({
  imports: [IngestionModule, IntegrationsModule],
  controllers: [TwilioWebhookController],
  providers: [FormBodyParser, TwilioCallbackUseCase],
})
export class WebhooksModule {}
