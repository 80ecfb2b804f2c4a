import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line and outgoing event of the current unit of work carries. */
export interface ContextFields {
  tenantId?: string;
  interactionId?: string;
  eventId?: string;
  /** W3C trace context of the current unit of work (`00-<trace>-<span>-<flags>`). */
  traceparent?: string;
}

const storage = new AsyncLocalStorage<ContextFields>();

/** Ambient context of the current HTTP request or consumed message (AsyncLocalStorage). */
export const RequestContext = {
  run<T>(fields: ContextFields, fn: () => T): T {
    return storage.run({ ...fields }, fn);
  },
  current(): ContextFields | undefined {
    return storage.getStore();
  },
  /** Adds fields to the current context (no-op outside one). */
  assign(fields: Partial<ContextFields>): void {
    const store = storage.getStore();
    if (store) Object.assign(store, fields);
  },
};
