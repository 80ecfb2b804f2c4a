import type { Vocabulary } from './vocabulary';
import { words, type WordSequence } from './words';

export { words } from './words';

/**
 * Per-feature gains. Sparse, in compressed rows: feature f owns entries `offsets[f] … offsets[f + 1] − 1`. Features
 * seen by at least {@link DENSE_SHARE} of the classes (the common words) are kept dense instead, `dense[f]` being the
 * start of their row of one gain per class (0 for a class that never saw it), read in one sequential sweep.
 *
 * Scoring reads the same rows laid out for few cache misses per feature: `index[2f]`, `index[2f + 1]` are feature f's
 * first and end entry in `entries`, or its dense start and −1. An entry is one 32-bit integer: its class in the low
 * `classBits` bits, above them the index of its gain in `gainValues`. A gain depends only on the count behind it
 * (log((count + α) / α)), so the distinct gains are few and their table stays in the first-level cache, while an entry
 * takes a quarter of the room of a class and a gain side by side as doubles. The gains read are the same doubles.
 */
interface Rows {
  offsets: Int32Array;
  classes: Uint16Array;
  gains: Float64Array;
  dense: Int32Array;
  denseGains: Float64Array;
  index: Int32Array;
  entries: Int32Array;
  gainValues: Float64Array;
  /**
   * One bit per feature, set when its row is not empty: a few KiB that stay in cache, read before `index` so that a
   * feature this model never saw (a word or bigram only another model sharing the vocabulary learnt) costs no read of
   * the large index.
   */
  seen: Int32Array;
}

/**
 * The share of the classes above which a feature's row is kept dense. Adding a dense row's 0 to a class that never
 * saw the feature leaves its score exactly as it was, so the choice changes no result, only the speed: a sequential
 * add per class against a scattered add per entry.
 */
const DENSE_SHARE = 0.5;

/** Feature counts below this have their unseen-feature scores kept (about 1 KiB each for 150 classes). */
const BASE_ROWS = 256;

/** Bits that hold a class index (0 … classCount − 1) in a packed entry. */
function classBitsOf(classCount: number): number {
  let bits = 1;
  while (1 << bits < classCount) bits++;
  return bits;
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
    if ((offsets[f + 1] as number) - (offsets[f] as number) >= classCount * DENSE_SHARE) {
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
  const classBits = classBitsOf(classCount);
  const gainIndex = new Map<number, number>();
  for (const gain of gains) if (!gainIndex.has(gain)) gainIndex.set(gain, gainIndex.size);
  if (gainIndex.size >= 2 ** (31 - classBits)) throw new Error(`too many distinct gains (${gainIndex.size}) to pack with ${classCount} classes`);
  const gainValues = Float64Array.from(gainIndex.keys());
  const index = new Int32Array(2 * features);
  const entries = new Int32Array(counts.size);
  for (let f = 0; f < features; f++) {
    const start = offsets[f] as number;
    const end = offsets[f + 1] as number;
    index[2 * f] = (dense[f] as number) >= 0 ? (dense[f] as number) : start;
    index[2 * f + 1] = (dense[f] as number) >= 0 ? -1 : end;
    for (let j = start; j < end; j++) entries[j] = ((gainIndex.get(gains[j] as number) as number) << classBits) | (classes[j] as number);
  }
  const seen = new Int32Array((features + 31) >>> 5);
  for (let f = 0; f < features; f++) if ((offsets[f + 1] as number) > (offsets[f] as number)) seen[f >>> 5] = (seen[f >>> 5] as number) | (1 << (f & 31));
  return { offsets, classes, gains, dense, denseGains, index, entries, gainValues, seen };
}

/** Adds the dense row at `start` to every class's score; four classes a step (each class's sum is unchanged). */
function addDense(scores: Float64Array, denseGains: Float64Array, start: number): void {
  const classes = scores.length;
  let k = 0;
  for (; k + 3 < classes; k += 4) {
    const at = start + k;
    scores[k] = (scores[k] as number) + (denseGains[at] as number);
    scores[k + 1] = (scores[k + 1] as number) + (denseGains[at + 1] as number);
    scores[k + 2] = (scores[k + 2] as number) + (denseGains[at + 2] as number);
    scores[k + 3] = (scores[k + 3] as number) + (denseGains[at + 3] as number);
  }
  for (; k < classes; k++) scores[k] = (scores[k] as number) + (denseGains[start + k] as number);
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
  /** The mask of a packed entry's class (see {@link Rows}). */
  private readonly classMask: number;
  private readonly classBits: number;
  /**
   * By feature count n (up to {@link BASE_ROWS}), the scores every feature unseen: per class log P(c) + n · log P(unseen
   * | c), the same doubles as computed per call, made once per n on first use and then copied.
   */
  private readonly baseRows: (Float64Array | undefined)[] = [];

  private constructor(readonly classes: readonly string[]) {
    this.scores = new Float64Array(classes.length);
    this.classBits = classBitsOf(classes.length);
    this.classMask = (1 << this.classBits) - 1;
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

  /** log P(c) + n · log P(unseen | c) per class, into `scores`. */
  private fillBase(scores: Float64Array, n: number): void {
    const { priors, unknown } = this;
    const classes = scores.length;
    if (n >= BASE_ROWS) {
      for (let k = 0; k < classes; k++) scores[k] = (priors[k] as number) + n * (unknown[k] as number);
      return;
    }
    let row = this.baseRows[n];
    if (row === undefined) {
      row = new Float64Array(classes);
      for (let k = 0; k < classes; k++) row[k] = (priors[k] as number) + n * (unknown[k] as number);
      this.baseRows[n] = row;
    }
    scores.set(row);
  }

  /**
   * log P(c) + Σ log P(feature | c) over the unigrams and bigrams of `words`: every feature first as unseen in every
   * class, then the sparse gains added. The returned array is reused by the next call.
   */
  logPosteriorsOf(words: WordSequence): Float64Array {
    const { ids, bigrams, count } = words;
    const scores = this.scores;
    this.fillBase(scores, count === 0 ? 0 : 2 * count - 1);
    // The rows' arrays in locals and their loops written out (rather than a helper taking the rows): this is the
    // scorer's innermost loop.
    const { classMask, classBits } = this;
    const { index: uIndex, entries: uEntries, denseGains: uDenseGains, gainValues: uGains, seen: uSeen } = this.unigrams;
    const { index: bIndex, entries: bEntries, denseGains: bDenseGains, gainValues: bGains, seen: bSeen } = this.bigramRows;
    const known = uIndex.length >> 1;
    const knownBigrams = bIndex.length >> 1;
    for (let i = 0; i < count; i++) {
      const id = ids[i] as number;
      if (id >= 0 && id < known && ((uSeen[id >>> 5] as number) & (1 << (id & 31))) !== 0) {
        const start = uIndex[2 * id] as number;
        const end = uIndex[2 * id + 1] as number;
        if (end < 0) {
          addDense(scores, uDenseGains, start);
        } else {
          for (let j = start; j < end; j++) {
            const entry = uEntries[j] as number;
            const k = entry & classMask;
            scores[k] = (scores[k] as number) + (uGains[entry >>> classBits] as number);
          }
        }
      }
      if (i === 0) continue;
      const bigram = bigrams[i] as number;
      if (bigram >= 0 && bigram < knownBigrams && ((bSeen[bigram >>> 5] as number) & (1 << (bigram & 31))) !== 0) {
        const start = bIndex[2 * bigram] as number;
        const end = bIndex[2 * bigram + 1] as number;
        if (end < 0) {
          addDense(scores, bDenseGains, start);
        } else {
          for (let j = start; j < end; j++) {
            const entry = bEntries[j] as number;
            const k = entry & classMask;
            scores[k] = (scores[k] as number) + (bGains[entry >>> classBits] as number);
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
