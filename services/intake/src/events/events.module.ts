import { Module, type NestModule } from '@nestjs/common';
import { ArchiveModule } from '../archive/archive.module';
import { IngestionModule } from '../ingestion/ingestion.module';
import { EventsController } from './events.controller';
import { IngestRouteBinding } from './ingest-route.binding';
import { ReadArchiveUseCase } from './read-archive.use-case';

/** `POST /v1/events` (ingest CloudEvents) and `GET /v1/events` (read the archive). */
@Module({
  imports: [IngestionModule, ArchiveModule],
  controllers: [EventsController],
  providers: [ReadArchiveUseCase, IngestRouteBinding],
})
export class EventsModule implements NestModule {
  constructor(private readonly ingestRoute: IngestRouteBinding) {}

  /** Runs before Nest registers the routes: binds `POST /v1/events` to its direct handler. */
  configure(): void {
    this.ingestRoute.install();
  }
}
