import type { Vocabulary } from './vocabulary';
import { words, type WordSequence } from './words';

export { words } from './words';

/**
 * Per-feature gains. Sparse, in compressed rows: feature f owns entries `offsets[f] … offsets[f + 1] − 1`. Features
 * seen by at least half of the classes (the common words) are kept dense instead, `dense[f]` being the start of their
 * row of one gain per class (0 for a class that never saw it), read in one sequential sweep.
 *
 * Scoring reads the same rows laid out for few cache misses per feature: `index[2f]`, `index[2f + 1]` are feature f's
 * first and end entry in `entries` (each entry a class and its gain, side by side), or its dense start and −1.
 */
interface Rows {
  offsets: Int32Array;
  classes: Uint16Array;
  gains: Float64Array;
  dense: Int32Array;
  denseGains: Float64Array;
  index: Int32Array;
  entries: Float64Array;
}

function rowsOf(counts: Map<number, number>, features: number, classCount: number, alpha: number): Rows {
  const offsets = new Int32Array(features + 1);
  for (const key of counts.keys()) offsets[Math.floor(key / classCount) + 1]++;
  for (let f = 0; f < features; f++) offsets[f + 1] = (offsets[f + 1] as number) + (offsets[f] as number);
  const fill = offsets.slice(0, features);
  const classes = new Uint16Array(counts.size);
  const gains = new Float64Array(counts.size);
  for (const [key, count] of counts) {
    const feature = Math.floor(key / classCount);
    const at = fill[feature] as number;
    fill[feature] = at + 1;
    classes[at] = key % classCount;
    gains[at] = Math.log((count + alpha) / alpha);
  }
  const dense = new Int32Array(features).fill(-1);
  const denseRows: number[] = [];
  for (let f = 0; f < features; f++) {
    if ((offsets[f + 1] as number) - (offsets[f] as number) >= classCount / 2) {
      dense[f] = denseRows.length * classCount;
      denseRows.push(f);
    }
  }
  const denseGains = new Float64Array(denseRows.length * classCount);
  for (const f of denseRows) {
    for (let j = offsets[f] as number; j < (offsets[f + 1] as number); j++) {
      denseGains[(dense[f] as number) + (classes[j] as number)] = gains[j] as number;
    }
  }
  const index = new Int32Array(2 * features);
  const entries = new Float64Array(2 * counts.size);
  for (let f = 0; f < features; f++) {
    const start = offsets[f] as number;
    const end = offsets[f + 1] as number;
    index[2 * f] = (dense[f] as number) >= 0 ? (dense[f] as number) : 2 * start;
    index[2 * f + 1] = (dense[f] as number) >= 0 ? -1 : 2 * end;
    for (let j = start; j < end; j++) {
      entries[2 * j] = classes[j] as number;
      entries[2 * j + 1] = gains[j] as number;
    }
  }
  return { offsets, classes, gains, dense, denseGains, index, entries };
}

/** Adds the dense row at `start` to every class's score; two classes a step (each class's sum is unchanged). */
function addDense(scores: Float64Array, denseGains: Float64Array, start: number): void {
  const classes = scores.length;
  let k = 0;
  for (; k + 1 < classes; k += 2) {
    scores[k] = (scores[k] as number) + (denseGains[start + k] as number);
    scores[k + 1] = (scores[k + 1] as number) + (denseGains[start + k + 1] as number);
  }
  if (k < classes) scores[k] = (scores[k] as number) + (denseGains[start + k] as number);
}

/**
 * Multinomial naive Bayes with Laplace smoothing over word uni- and bigrams (Manning, Raghavan & Schütze,
 * "Introduction to Information Retrieval", §13.2), over the ids of a shared {@link Vocabulary}. Trained once at start
 * into precomputed tables: per word id and per bigram id (both the vocabulary's, so that one {@link WordSequence} of a
 * text serves every model), the classes that saw the feature and their log-probability gain over an unseen feature, so
 * that scoring is array reads and adds.
 */
export class NaiveBayes {
  /** Rows by word id (ids the model never saw have no row or an empty one). */
  private unigrams!: Rows;
  /** Rows by the vocabulary's bigram id. */
  private bigramRows!: Rows;
  private priors = new Float64Array(0);
  private unknown = new Float64Array(0);
  private readonly scores: Float64Array;

  private constructor(readonly classes: readonly string[]) {
    this.scores = new Float64Array(classes.length);
  }

  static train(
    examples: Iterable<{ text: string; label: string }>,
    vocabulary: Vocabulary,
    alpha = 1,
    uniformPrior = false,
  ): NaiveBayes {
    const rows: { ids: number[]; label: string }[] = [];
    for (const { text, label } of examples) rows.push({ ids: words(text).map((word) => vocabulary.add(word)), label });
    const classes = [...new Set(rows.map((row) => row.label))].sort();
    const classIndex = new Map(classes.map((c, k) => [c, k]));
    const C = classes.length;
    const model = new NaiveBayes(classes);
    const docs = new Float64Array(C);
    const tokens = new Float64Array(C);
    const unigramCounts = new Map<number, number>();
    const bigramCounts = new Map<number, number>();
    const seenWords = new Set<number>();
    const seenBigrams = new Set<number>();
    for (const { ids, label } of rows) {
      const k = classIndex.get(label) as number;
      docs[k]++;
      tokens[k] += ids.length === 0 ? 0 : 2 * ids.length - 1;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as number;
        seenWords.add(id);
        unigramCounts.set(id * C + k, (unigramCounts.get(id * C + k) ?? 0) + 1);
        if (i === 0) continue;
        const bigram = vocabulary.addBigram(ids[i - 1] as number, id);
        seenBigrams.add(bigram);
        bigramCounts.set(bigram * C + k, (bigramCounts.get(bigram * C + k) ?? 0) + 1);
      }
    }
    const features = seenWords.size + seenBigrams.size;
    const totalDocs = rows.length;
    model.priors = Float64Array.from(docs, (d) => (uniformPrior ? 0 : Math.log(d / totalDocs)));
    model.unknown = Float64Array.from(tokens, (t) => Math.log(alpha / (t + alpha * (features + 1))));
    model.unigrams = rowsOf(unigramCounts, vocabulary.size, C, alpha);
    model.bigramRows = rowsOf(bigramCounts, vocabulary.bigrams, C, alpha);
    return model;
  }

  /**
   * log P(c) + Σ log P(feature | c) over the unigrams and bigrams of `words`: every feature first as unseen in every
   * class, then the sparse gains added. The returned array is reused by the next call.
   */
  logPosteriorsOf(words: WordSequence): Float64Array {
    const { ids, bigrams, count } = words;
    const n = count === 0 ? 0 : 2 * count - 1;
    const { scores, priors, unknown } = this;
    const classes = scores.length;
    for (let k = 0; k < classes; k++) scores[k] = (priors[k] as number) + n * (unknown[k] as number);
    // The rows' arrays in locals and their loops written out (rather than a helper taking the rows): this is the
    // scorer's innermost loop.
    const { index: uIndex, entries: uEntries, denseGains: uDenseGains } = this.unigrams;
    const { index: bIndex, entries: bEntries, denseGains: bDenseGains } = this.bigramRows;
    const known = uIndex.length >> 1;
    const knownBigrams = bIndex.length >> 1;
    for (let i = 0; i < count; i++) {
      const id = ids[i] as number;
      if (id >= 0 && id < known) {
        const start = uIndex[2 * id] as number;
        const end = uIndex[2 * id + 1] as number;
        if (end < 0) {
          addDense(scores, uDenseGains, start);
        } else {
          for (let j = start; j < end; j += 2) {
            const k = uEntries[j] as number;
            scores[k] = (scores[k] as number) + (uEntries[j + 1] as number);
          }
        }
      }
      if (i === 0) continue;
      const bigram = bigrams[i] as number;
      if (bigram >= 0 && bigram < knownBigrams) {
        const start = bIndex[2 * bigram] as number;
        const end = bIndex[2 * bigram + 1] as number;
        if (end < 0) {
          addDense(scores, bDenseGains, start);
        } else {
          for (let j = start; j < end; j += 2) {
            const k = bEntries[j] as number;
            scores[k] = (scores[k] as number) + (bEntries[j + 1] as number);
          }
        }
      }
    }
    return scores;
  }

  /** Index of the most probable class of `words` (the first of equals): {@link best} of {@link logPosteriorsOf}. */
  mostProbable(words: WordSequence): number {
    const scores = this.logPosteriorsOf(words);
    let best = 0;
    let top = scores[0] as number;
    for (let k = 1; k < scores.length; k++) {
      const score = scores[k] as number;
      if (score > top) {
        top = score;
        best = k;
      }
    }
    return best;
  }

  /** Index of the most probable class. */
  best(scores: Float64Array): number {
    let best = 0;
    for (let k = 1; k < scores.length; k++) if ((scores[k] as number) > (scores[best] as number)) best = k;
    return best;
  }

  /**
   * The log-odds of class `a` over class `b` as one number per feature (the difference of their gains) and one per
   * text length: a two-class model scored with one read per feature.
   */
  logOdds(a: number, b: number): (words: WordSequence) => number {
    const delta = (rows: Rows, features: number): Float64Array => {
      const out = new Float64Array(features);
      for (let f = 0; f < features; f++) {
        for (let j = rows.offsets[f] as number; j < (rows.offsets[f + 1] as number); j++) {
          const k = rows.classes[j] as number;
          if (k === a) out[f] = (out[f] as number) + (rows.gains[j] as number);
          else if (k === b) out[f] = (out[f] as number) - (rows.gains[j] as number);
        }
      }
      return out;
    };
    const unigrams = delta(this.unigrams, this.unigrams.offsets.length - 1);
    const bigrams = delta(this.bigramRows, this.bigramRows.offsets.length - 1);
    const prior = (this.priors[a] as number) - (this.priors[b] as number);
    const unknown = (this.unknown[a] as number) - (this.unknown[b] as number);
    const known = unigrams.length;
    const knownBigrams = bigrams.length;
    return ({ ids, bigrams: pairs, count }: WordSequence): number => {
      let sum = prior + (count === 0 ? 0 : 2 * count - 1) * unknown;
      for (let i = 0; i < count; i++) {
        const id = ids[i] as number;
        if (id >= 0 && id < known) sum += unigrams[id] as number;
        if (i === 0) continue;
        const bigram = pairs[i] as number;
        if (bigram >= 0 && bigram < knownBigrams) sum += bigrams[bigram] as number;
      }
      return sum;
    };
  }
}
