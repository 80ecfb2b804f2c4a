import { HASH_SEED, hashStep, type Vocabulary } from './vocabulary';

/** Lower-cased words; letters, digits and apostrophes (and any non-ASCII character) make words. */
export function words(text: string): string[] {
  const out: string[] = [];
  const lower = text.toLowerCase();
  let start = -1;
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 32;
    if (isWordChar(c)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push(lower.slice(start, i));
      start = -1;
    }
  }
  return out;
}

function isWordChar(lowerCode: number): boolean {
  return (lowerCode >= 97 && lowerCode <= 122) || (lowerCode >= 48 && lowerCode <= 57) || lowerCode === 39 || lowerCode > 127;
}

/**
 * The words of one text as vocabulary ids (−1 for a word the vocabulary does not hold), in order: the same words as
 * {@link words}, found without building a string per word. One instance is reused from text to text, so the ids are
 * valid until the next {@link WordSequence.read}.
 */
export class WordSequence {
  ids = new Int32Array(256);
  count = 0;

  constructor(private readonly vocabulary: Vocabulary) {}

  read(text: string): this {
    if (!this.scan(text, false)) this.scan(text.toLowerCase(), true);
    return this;
  }

  /** Scans ASCII text, folding capitals; false (and nothing read) at the first non-ASCII character unless `lowered`. */
  private scan(source: string, lowered: boolean): boolean {
    this.count = 0;
    let start = -1;
    let hash = HASH_SEED;
    const length = source.length;
    for (let i = 0; i <= length; i++) {
      let c = i < length ? source.charCodeAt(i) : 32;
      if (c > 127 && !lowered) return false;
      if (c >= 65 && c <= 90) c += 32;
      if (isWordChar(c)) {
        if (start < 0) {
          start = i;
          hash = HASH_SEED;
        }
        hash = hashStep(hash, c);
      } else if (start >= 0) {
        this.push(this.vocabulary.idOfRange(source, start, i, hash));
        start = -1;
      }
    }
    return true;
  }

  private push(id: number): void {
    if (this.count === this.ids.length) {
      const ids = new Int32Array(this.ids.length * 2);
      ids.set(this.ids);
      this.ids = ids;
    }
    this.ids[this.count++] = id;
  }
}
