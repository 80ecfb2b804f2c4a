import { Module } from '@nestjs/common';
import { IngestionModule } from '../ingestion/ingestion.module';
import { IntegrationsModule } from '../integrations/integrations.module';
import { IntegrationLeaseRepository } from './integration-lease.repository';
import { SocketClientsSupervisor } from './socket-clients.supervisor';

/** Asterisk AMI and FreeSWITCH event socket clients, one per configured tenant integration. */
@Module({
  imports: [IngestionModule, IntegrationsModule],
  providers: [IntegrationLeaseRepository, SocketClientsSupervisor],
})
export class TelephonyModule {}
