import { z } from 'zod';
import { tenantIdSchema } from '@switchboard/contracts';
import type { ArchiveRow } from './archive.repository';
import { errorMessage } from '@switchboard/platform';

/** What the archive needs of a message: the envelope attributes it indexes (the whole event is kept verbatim). */
const archivedEnvelopeSchema = z.object({
  id: z.string().min(1).max(256),
  tenantid: tenantIdSchema,
  type: z.string().min(1).max(256),
  time: z.iso.datetime({ offset: true }),
  data: z.record(z.string(), z.unknown()),
});

export type DecodedRow = { ok: true; row: ArchiveRow } | { ok: false; message: string; eventId?: string; type?: string };

/** Postgres text cannot hold NUL: index columns get U+FFFD instead (the event itself keeps its escaped JSON). */
export function pgText(value: string): string {
  return value.includes('\u0000') ? value.split('\u0000').join('\uFFFD') : value;
}

/** Turns a stream message into an archive row, or says why it cannot be archived. */
export function decodeArchiveRow(payload: string, stream: string, streamSeq: number): DecodedRow {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch (error) {
    return { ok: false, message: `payload is not JSON: ${errorMessage(error)}` };
  }
  const parsed = archivedEnvelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    const partial = json as { id?: unknown; type?: unknown };
    return {
      ok: false,
      message: `not an archivable event: ${issues}`,
      ...(typeof partial?.id === 'string' ? { eventId: partial.id } : {}),
      ...(typeof partial?.type === 'string' ? { type: partial.type } : {}),
    };
  }
  const { id, tenantid, type, time, data } = parsed.data;
  const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? pgText(value) : null);
  return {
    ok: true,
    row: {
      eventId: pgText(id),
      tenantId: tenantid,
      type: pgText(type),
      interactionId: text(data['interactionId']),
      agentId: text(data['agentId']),
      time,
      stream,
      streamSeq,
      json: payload,
    },
  };
}
