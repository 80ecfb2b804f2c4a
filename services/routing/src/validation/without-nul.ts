import { z } from 'zod';
import { idSchema } from '@switchboard/contracts';

/**
 * The schema, refusing any string inside the value that holds a NUL character (Postgres text cannot store one, so it
 * would otherwise surface as a 500 instead of a 400).
 */
export function withoutNul<T extends z.ZodType>(schema: T): T {
  return schema.superRefine((value, ctx) => {
    if (JSON.stringify(value)?.includes('\\u0000')) ctx.addIssue({ code: 'custom', message: 'Text must not contain NUL characters.' });
  }) as T;
}

/** A path id routing can look up. */
export const routingIdSchema = withoutNul(idSchema);
