import { Module } from '@nestjs/common';
import { ArchiveModule } from '../archive/archive.module';
import { IngestionModule } from '../ingestion/ingestion.module';
import { EventsController } from './events.controller';
import { ReadArchiveUseCase } from './read-archive.use-case';

/** `POST /v1/events` (ingest CloudEvents) and `GET /v1/events` (read the archive). */
@Module({
  imports: [IngestionModule, ArchiveModule],
  controllers: [EventsController],
  providers: [ReadArchiveUseCase],
})
export class EventsModule {}
