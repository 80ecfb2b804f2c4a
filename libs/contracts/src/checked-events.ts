/**
 * The events this process built with `createEvent` or accepted with `parseCloudEvent`: each has been checked against its
 * contract once, and an event is a value that nothing changes once built, so handing one on (to the outbox, to the
 * publisher) need not check it again. Held weakly: an event forgotten elsewhere is forgotten here.
 */
const checked = new WeakSet<object>();

/** Records a freshly checked event (only the contract's own builders and parsers call this). */
export function markChecked<T extends object>(event: T): T {
  checked.add(event);
  return event;
}

/** Whether `event` is the very object `createEvent` or `parseCloudEvent` returned (a copy or a look-alike is not). */
export function isCheckedEvent(event: unknown): boolean {
  return typeof event === 'object' && event !== null && checked.has(event);
}
