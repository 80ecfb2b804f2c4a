/**
 * Splits `items` into rounds in which each key appears at most once, keeping the order of each key's items: the first
 * item of every key in the first round, the second ones in the next, and so on. A multi-row upsert cannot touch one row
 * twice, so items of one key that arrive in the same batch are written by successive statements.
 */
export function rounds<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const result: T[][] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const key = keyOf(item);
    const index = seen.get(key) ?? 0;
    seen.set(key, index + 1);
    (result[index] ??= []).push(item);
  }
  return result;
}
