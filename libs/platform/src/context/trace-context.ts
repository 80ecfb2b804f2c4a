import { randomBytes } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

export interface TraceIds {
  traceId: string;
  spanId: string;
  flags: string;
}

/** Parses a W3C `traceparent` header; undefined when absent or malformed (then a new trace starts). */
export function parseTraceparent(value: string | undefined | null): TraceIds | undefined {
  if (!value) return undefined;
  const match = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!match) return undefined;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId, spanId, flags };
}

/** A fresh root trace. */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

/** A child span of `parent` (same trace id, new span id), or a new root when there is no valid parent. */
export function childTraceparent(parent: string | undefined | null): string {
  const ids = parseTraceparent(parent);
  if (!ids) return newTraceparent();
  return `00-${ids.traceId}-${randomBytes(8).toString('hex')}-${ids.flags}`;
}
