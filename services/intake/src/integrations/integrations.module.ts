import { Module } from '@nestjs/common';
import { ConnectionStatusRegistry } from './connection-status';
import { IntegrationRepository } from './integration.repository';
import { IntegrationsController } from './integrations.controller';
import { IntegrationsService } from './integrations.service';
import { SecretBox } from './secret-box';

/** Per-tenant vendor settings (`/v1/integrations/:kind`), secrets encrypted at rest. */
@Module({
  controllers: [IntegrationsController],
  providers: [IntegrationRepository, SecretBox, ConnectionStatusRegistry, IntegrationsService],
  exports: [IntegrationsService, ConnectionStatusRegistry],
})
export class IntegrationsModule {}
