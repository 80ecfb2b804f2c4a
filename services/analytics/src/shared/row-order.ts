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
