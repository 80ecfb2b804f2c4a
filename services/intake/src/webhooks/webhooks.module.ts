import { Module } from '@nestjs/common';
import { IngestionModule } from '../ingestion/ingestion.module';
import { IntegrationsModule } from '../integrations/integrations.module';
import { AmazonConnectController } from './amazon-connect/amazon-connect.controller';
import { AmazonConnectUseCase } from './amazon-connect/amazon-connect.use-case';
import { TwilioCallbackUseCase } from './twilio/twilio-callback.use-case';
import { TwilioWebhookController } from './twilio/twilio-webhook.controller';

/** Vendor webhooks: Twilio voice status callbacks and Amazon Connect events. */
@Module({
  imports: [IngestionModule, IntegrationsModule],
  controllers: [TwilioWebhookController, AmazonConnectController],
  providers: [TwilioCallbackUseCase, AmazonConnectUseCase],
})
export class WebhooksModule {}
