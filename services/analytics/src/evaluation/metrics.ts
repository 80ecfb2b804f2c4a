export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i] as number;
    sy += ys[i] as number;
  }
  const mx = sx / n;
  const my = sy / n;
  let cov = 0;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    cov += dx * dy;
    vx += dx * dx;
    vy += dy * dy;
  }
  return cov / Math.sqrt(vx * vy);
}

/** Paper convention: positive at ≥ 0.05, negative at ≤ −0.05, neutral between (applied to both scales). */
export function threeClass(value: number): number {
  return value >= 0.05 ? 1 : value <= -0.05 ? -1 : 0;
}

/** F1 per class weighted by the number of true members of each class. */
export function weightedF1(truth: readonly number[], predicted: readonly number[]): number {
  const classes = [...new Set(truth)];
  let total = 0;
  for (const cls of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < truth.length; i++) {
      const t = truth[i] === cls;
      const p = predicted[i] === cls;
      if (t && p) tp++;
      else if (p) fp++;
      else if (t) fn++;
    }
    const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
    total += f1 * (tp + fn);
  }
  return total / truth.length;
}

export interface BinaryMetrics {
  precision: number;
  recall: number;
  specificity: number;
  balancedAccuracy: number;
  f1: number;
}

export function binaryMetrics(truth: readonly boolean[], predicted: readonly boolean[]): BinaryMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i]) {
      if (predicted[i]) tp++;
      else fn++;
    } else if (predicted[i]) fp++;
    else tn++;
  }
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  const specificity = tn / Math.max(1, tn + fp);
  return {
    precision,
    recall,
    specificity,
    balancedAccuracy: (recall + specificity) / 2,
    f1: tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn),
  };
}
