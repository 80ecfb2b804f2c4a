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

/** Random bytes are drawn from the system in blocks (one call per 256 span ids instead of one per id). */
const POOL_BYTES = 2048;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/** A fresh root trace. */
export function newTraceparent(): string {
  return `00-${randomHex(16)}-${randomHex(8)}-01`;
}

/** A child span of `parent` (same trace id, new span id), or a new root when there is no valid parent. */
export function childTraceparent(parent: string | undefined | null): string {
  const ids = parseTraceparent(parent);
  if (!ids) return newTraceparent();
  return `00-${ids.traceId}-${randomHex(8)}-${ids.flags}`;
}
