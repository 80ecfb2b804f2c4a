import { parse } from 'secure-json-parse';
import { errorMessage } from '@switchboard/platform';

/** A body-parsing failure Fastify and the platform's problem mapping understand (400 HTTP.MALFORMED_JSON / HTTP.EMPTY_BODY). */
export class BodyParseError extends Error {
  readonly statusCode = 400;

  constructor(
    message: string,
    readonly code: 'FST_ERR_CTP_INVALID_JSON_BODY' | 'FST_ERR_CTP_EMPTY_JSON_BODY',
  ) {
    super(message);
    this.name = 'BodyParseError';
  }
}

/**
 * Parses a JSON body like Fastify's own parser (prototype poisoning refused), but a malformed body is
 * refused with the fault, its position, line and column, and the text around it, so that a sender can fix it.
 */
export function parseJsonBody(body: string): unknown {
  if (body === '') throw new BodyParseError('The body is empty; send a JSON document.', 'FST_ERR_CTP_EMPTY_JSON_BODY');
  try {
    return parse(body, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    throw new BodyParseError(describeJsonError(body, error), 'FST_ERR_CTP_INVALID_JSON_BODY');
  }
}

export function describeJsonError(body: string, error: unknown): string {
  const message = errorMessage(error);
  const match = /at position (\d+)/.exec(message);
  if (!match) return `The body is not valid JSON: ${message}`;
  const position = Number(match[1]);
  const before = body.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  const near = JSON.stringify(body.slice(Math.max(0, position - 24), position + 16));
  return `The body is not valid JSON: ${message} (line ${line}, column ${column}, near ${near}).`;
}
