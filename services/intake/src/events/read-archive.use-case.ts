import { Injectable } from '@nestjs/common';
import { ValidationError } from '@switchboard/platform';
import { pgText } from '../archive/archive-row';
import { ArchiveRepository } from '../archive/archive.repository';
import type { ArchiveQueryInput } from './archive-query.schema';

export interface ArchiveResponse {
  events: unknown[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|(\d{1,19})$/;

/** Reads a tenant's archived events with keyset pagination (stable while new events arrive). */
@Injectable()
export class ReadArchiveUseCase {
  constructor(private readonly archive: ArchiveRepository) {}

  async execute(tenantId: string, query: ArchiveQueryInput): Promise<ArchiveResponse> {
    const page = await this.archive.find({
      tenantId,
      limit: query.limit,
      ...(query.interactionId === undefined ? {} : { interactionId: pgText(query.interactionId) }),
      ...(query.type === undefined ? {} : { type: query.type }),
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
      ...(query.cursor === undefined ? {} : { after: decodeCursor(query.cursor) }),
    });
    return { events: page.events, nextCursor: page.last ? Buffer.from(`${page.last.time}|${page.last.seq}`).toString('base64url') : null };
  }
}

function decodeCursor(cursor: string): { time: string; seq: string } {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) throw new ValidationError('The cursor is not one this API returned.', [{ field: 'cursor', message: 'Invalid cursor' }]);
  return { time: match[1], seq: match[2] };
}
