/** Lower-cased words; letters, digits and apostrophes make words. */
export function words(text: string): string[] {
  const out: string[] = [];
  const lower = text.toLowerCase();
  let start = -1;
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 32;
    const wordChar = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 39 || c > 127;
    if (wordChar) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push(lower.slice(start, i));
      start = -1;
    }
  }
  return out;
}

/** The model's features of a text: its words (unigrams), then each pair of adjacent words (bigrams). */
export function wordFeatures(text: string): string[] {
  const unigrams = words(text);
  const features = unigrams.slice();
  for (let i = 1; i < unigrams.length; i++) features.push(`${unigrams[i - 1] as string} ${unigrams[i] as string}`);
  return features;
}

interface Gains {
  classes: Uint16Array;
  gains: Float64Array;
}

/**
 * Multinomial naive Bayes with Laplace smoothing over word uni- and bigrams (Manning, Raghavan & Schütze,
 * "Introduction to Information Retrieval", §13.2). `logPosteriors` returns the unnormalised log posterior per class.
 */
export class NaiveBayes {
  /**
   * Per feature, the classes that saw it and their log-probability gain over an unseen feature (sparse): unigrams by
   * word id, bigrams by `first id × words + second id`, so that scoring looks up numbers instead of building and
   * hashing bigram strings.
   */
  private readonly wordIds = new Map<string, number>();
  private unigrams: (Gains | undefined)[] = [];
  private readonly bigrams = new Map<number, Gains>();
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
    for (const feature of vocabulary) if (!feature.includes(' ')) model.wordIds.set(feature, model.wordIds.size);
    model.unigrams = new Array<Gains | undefined>(model.wordIds.size);
    const size = model.wordIds.size;
    for (const feature of vocabulary) {
      const seen = classes.flatMap((c, k) => ((counts.get(c)?.get(feature) ?? 0) > 0 ? [k] : []));
      const gains: Gains = {
        classes: Uint16Array.from(seen),
        gains: Float64Array.from(seen, (k) => Math.log(((counts.get(classes[k] as string)?.get(feature) ?? 0) + alpha) / alpha)),
      };
      const space = feature.indexOf(' ');
      if (space < 0) {
        model.unigrams[model.wordIds.get(feature) as number] = gains;
      } else {
        // Both words of a bigram occurred as unigrams in the same text, so both have ids.
        const first = model.wordIds.get(feature.slice(0, space)) as number;
        const second = model.wordIds.get(feature.slice(space + 1)) as number;
        model.bigrams.set(first * size + second, gains);
      }
    }
    return model;
  }

  /**
   * log P(c) + Σ log P(feature | c) over the unigrams and bigrams of `textWords` (the output of {@link words}): every
   * feature first as unseen in every class, then the sparse gains added, unigrams before bigrams.
   */
  logPosteriorsOf(textWords: readonly string[]): Float64Array {
    const length = textWords.length;
    const n = length === 0 ? 0 : 2 * length - 1;
    const scores = new Float64Array(this.priors.length);
    for (let k = 0; k < scores.length; k++) scores[k] = (this.priors[k] as number) + n * (this.unknown[k] as number);
    const ids = new Float64Array(length);
    for (let i = 0; i < length; i++) {
      const id = this.wordIds.get(textWords[i] as string);
      ids[i] = id ?? -1;
      if (id !== undefined) addGains(scores, this.unigrams[id]);
    }
    const size = this.wordIds.size;
    for (let i = 1; i < length; i++) {
      const first = ids[i - 1] as number;
      const second = ids[i] as number;
      if (first >= 0 && second >= 0) addGains(scores, this.bigrams.get(first * size + second));
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

function addGains(scores: Float64Array, entry: Gains | undefined): void {
  if (entry === undefined) return;
  const { classes, gains } = entry;
  for (let j = 0; j < classes.length; j++) {
    const k = classes[j] as number;
    scores[k] = (scores[k] as number) + (gains[j] as number);
  }
}
