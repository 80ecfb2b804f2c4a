import { Module } from '@nestjs/common';
import { ArchiveModule } from '../archive/archive.module';
import { DedupRepository } from '../dedup/dedup.repository';
import { IngestEventsUseCase } from './ingest-events.use-case';
import { LedgerRecovery } from './ledger-recovery.service';

/** The single ingestion path (rate limit, de-duplication, publish) every source goes through. */
@Module({
  imports: [ArchiveModule],
  providers: [DedupRepository, LedgerRecovery, IngestEventsUseCase],
  exports: [IngestEventsUseCase],
})
export class IngestionModule {}
