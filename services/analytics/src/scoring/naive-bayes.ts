/** Lower-cased word unigrams and bigrams; letters, digits and apostrophes make words. */
export function wordFeatures(text: string): string[] {
  const words: string[] = [];
  let current = '';
  const lower = text.toLowerCase();
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 32;
    const wordChar = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 39 || c > 127;
    if (wordChar) current += lower[i];
    else if (current.length > 0) {
      words.push(current);
      current = '';
    }
  }
  const features = words.slice();
  for (let i = 1; i < words.length; i++) features.push(`${words[i - 1] as string} ${words[i] as string}`);
  return features;
}

/**
 * Multinomial naive Bayes with Laplace smoothing over word uni- and bigrams (Manning, Raghavan & Schütze,
 * "Introduction to Information Retrieval", §13.2). `logPosteriors` returns the unnormalised log posterior per class.
 */
export class NaiveBayes {
  /** Per feature, the classes that saw it and their log-probability gain over an unseen feature (sparse). */
  private readonly gains = new Map<string, { classes: Uint16Array; gains: Float64Array }>();
  private priors = new Float64Array(0);
  private unknown = new Float64Array(0);

  private constructor(readonly classes: readonly string[]) {}

  static train(examples: Iterable<{ text: string; label: string }>, alpha = 1, uniformPrior = false): NaiveBayes {
    const counts = new Map<string, Map<string, number>>();
    const docs = new Map<string, number>();
    const tokens = new Map<string, number>();
    const vocabulary = new Set<string>();
    for (const { text, label } of examples) {
      let classCounts = counts.get(label);
      if (!classCounts) {
        classCounts = new Map();
        counts.set(label, classCounts);
      }
      const features = wordFeatures(text);
      for (const feature of features) {
        classCounts.set(feature, (classCounts.get(feature) ?? 0) + 1);
        vocabulary.add(feature);
      }
      docs.set(label, (docs.get(label) ?? 0) + 1);
      tokens.set(label, (tokens.get(label) ?? 0) + features.length);
    }
    const classes = [...counts.keys()].sort();
    const model = new NaiveBayes(classes);
    const totalDocs = [...docs.values()].reduce((a, b) => a + b, 0);
    const denominators = classes.map((c) => (tokens.get(c) ?? 0) + alpha * (vocabulary.size + 1));
    model.priors = Float64Array.from(classes, (c) =>
      uniformPrior ? 0 : Math.log((docs.get(c) ?? 0) / totalDocs),
    );
    model.unknown = Float64Array.from(denominators, (d) => Math.log(alpha / d));
    for (const feature of vocabulary) {
      const seen = classes.flatMap((c, k) => ((counts.get(c)?.get(feature) ?? 0) > 0 ? [k] : []));
      model.gains.set(feature, {
        classes: Uint16Array.from(seen),
        gains: Float64Array.from(seen, (k) => Math.log(((counts.get(classes[k] as string)?.get(feature) ?? 0) + alpha) / alpha)),
      });
    }
    return model;
  }

  /** log P(c) + Σ log P(feature | c): every feature first as unseen in every class, then the sparse gains added. */
  logPosteriorsOf(features: readonly string[]): Float64Array {
    const n = features.length;
    const scores = new Float64Array(this.priors.length);
    for (let k = 0; k < scores.length; k++) scores[k] = (this.priors[k] as number) + n * (this.unknown[k] as number);
    for (const feature of features) {
      const entry = this.gains.get(feature);
      if (entry === undefined) continue;
      const { classes, gains } = entry;
      for (let j = 0; j < classes.length; j++) {
        const k = classes[j] as number;
        scores[k] = (scores[k] as number) + (gains[j] as number);
      }
    }
    return scores;
  }

  /** Index of the most probable class. */
  best(scores: Float64Array): number {
    let best = 0;
    for (let k = 1; k < scores.length; k++) if ((scores[k] as number) > (scores[best] as number)) best = k;
    return best;
  }
}
