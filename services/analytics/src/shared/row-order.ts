/**
 * Orders rows by tenant, then by `key`: multi-row writes in one stable row order keep concurrent batches from
 * deadlocking on each other.
 */
export function byTenantThen<T extends { tenant: string }>(key: (row: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const [x, y] = a.tenant === b.tenant ? [key(a), key(b)] : [a.tenant, b.tenant];
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/**
 * One row per interaction, in the stable row order: the rows of one interaction folded together in arrival order
 * (`fold(known, next)`), the first taken as it is (copied).
 */
export function oneRowPerInteraction<T extends { tenant: string; interactionId: string }>(rows: readonly T[], fold: (known: T, next: T) => T): T[] {
  const merged = new Map<string, T>();
  for (const row of rows) {
    const key = `${row.tenant}/${row.interactionId}`;
    const known = merged.get(key);
    merged.set(key, known === undefined ? { ...row } : fold(known, row));
  }
  return [...merged.values()].sort(byTenantThen((row) => row.interactionId));
}
