import { ErrorCode, NatsError } from 'nats';

/** JetStream API error codes the adapter reacts to. */
export const JS_ERR = {
  STREAM_NOT_FOUND: 10059,
  STREAM_NAME_IN_USE: 10058,
  CONSUMER_NOT_FOUND: 10014,
  CONSUMER_EXISTS: 10013,
  CONSUMER_NAME_EXISTS: 10148,
} as const;

/** The JetStream API error code of `error`, if it is one. */
export function jsErrorCode(error: unknown): number | undefined {
  return error instanceof NatsError ? error.api_error?.err_code : undefined;
}

/** A request that got no answer in time (on a cluster: the meta leader was busy, or is being elected). */
export function isRequestTimeout(error: unknown): boolean {
  return error instanceof NatsError && error.code === ErrorCode.Timeout;
}
