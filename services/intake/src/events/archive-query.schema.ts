import { z } from 'zod';
import { EVENT_TYPES } from '@switchboard/contracts';

export const archiveQuerySchema = z
  .object({
    interactionId: z.string().min(1).max(128).optional(),
    type: z.enum(EVENT_TYPES).optional(),
    from: z.iso.datetime({ offset: true }).optional().describe('Events at or after this time (RFC 3339)'),
    to: z.iso.datetime({ offset: true }).optional().describe('Events before this time (RFC 3339)'),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().min(1).max(200).optional().describe('nextCursor of the previous page'),
  })
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) <= Date.parse(q.to), {
    path: ['to'],
    message: '"to" must not be before "from"',
  });
export type ArchiveQueryInput = z.infer<typeof archiveQuerySchema>;
