import { Body, Controller, Get, Headers, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodQuery, AppError, CurrentPrincipal, Principal, Roles, ZodValidationPipe } from '@switchboard/platform';
import { IngestEventsUseCase, type IngestResult } from '../ingestion/ingest-events.use-case';
import { BATCH_MEDIA_TYPE, bodyMode, parseEventBody, SINGLE_MEDIA_TYPES } from './event-batch';
import { archiveQuerySchema, type ArchiveQueryInput } from './archive-query.schema';
import { ReadArchiveUseCase, type ArchiveResponse } from './read-archive.use-case';

@ApiTags('events')
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly ingest: IngestEventsUseCase,
    private readonly readArchive: ReadArchiveUseCase,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('ingest', 'admin')
  @ApiOperation({
    summary: 'Ingest one CloudEvent or a batch (at most 500)',
    description:
      'Answers 202 {accepted, duplicates} once JetStream has stored every new event. A batch with any invalid event is refused whole; ' +
      'events whose id was accepted before count as duplicates and are not published again.',
  })
  @ApiConsumes(...SINGLE_MEDIA_TYPES, BATCH_MEDIA_TYPE)
  @ApiBody({ description: 'A structured-mode CloudEvent, or a JSON array of them', schema: { oneOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }] } })
  async post(@Body() body: unknown, @Headers('content-type') contentType: string | undefined, @CurrentPrincipal() principal: Principal): Promise<IngestResult> {
    const mode = bodyMode(contentType);
    if (!mode) {
      throw new AppError(`Send events as ${SINGLE_MEDIA_TYPES.join(' or ')}, or batches as ${BATCH_MEDIA_TYPE}.`, {
        code: 'HTTP.UNSUPPORTED_MEDIA_TYPE',
        status: 415,
        title: 'Unsupported media type',
      });
    }
    const events = parseEventBody(body, mode, principal.tenant);
    return this.ingest.execute(principal.tenant, events, { rateLimited: true });
  }

  @Get()
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: "The archive: the tenant's accepted events in time order, filtered, one page at a time" })
  @ApiZodQuery(archiveQuerySchema)
  async list(@Query(new ZodValidationPipe(archiveQuerySchema)) query: ArchiveQueryInput, @CurrentPrincipal() principal: Principal): Promise<ArchiveResponse> {
    return this.readArchive.execute(principal.tenant, query);
  }
}
