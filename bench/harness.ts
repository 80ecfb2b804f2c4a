/** One measured figure: ours, the raw ceiling measured in the same run, and their ratio. */
export interface Figure {
  name: string;
  unit: string;
  value: number;
  /** The raw client/server rate measured in the same run, when the figure is compared with one. */
  ceiling?: { name: string; value: number };
  ratio?: number;
  /** The target from the issues, when there is one (as a ratio or an absolute value, see `targetKind`). */
  target?: { kind: 'ratio-min' | 'min' | 'max'; value: number };
  met?: boolean;
  extra?: Record<string, number | string>;
  /**
   * Why the figure is what it is, in a sentence: for a target not met, the measured cause (a profile's top frames,
   * the contended resource, the load on the machine). Printed in the summary's gaps.
   */
  note?: string;
}

export interface BenchResult {
  suite: string;
  figures: Figure[];
  /** Set by the runner when the suite threw instead of returning figures. */
  error?: string;
  /** Wall-clock seconds the suite took (set by the runner). */
  seconds?: number;
}

export function figure(input: Omit<Figure, 'ratio' | 'met'>): Figure {
  const ratio = input.ceiling ? round(input.value / input.ceiling.value, 3) : undefined;
  let met: boolean | undefined;
  if (input.target) {
    const measured = input.target.kind === 'ratio-min' ? (ratio ?? 0) : input.value;
    met = input.target.kind === 'max' ? measured <= input.target.value : measured >= input.target.value;
  }
  return { ...input, value: round(input.value, 2), ratio, met };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Rate in operations per second of `count` operations that took `ms`. */
export function rate(count: number, ms: number): number {
  return (count * 1000) / ms;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}
