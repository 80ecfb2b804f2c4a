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

/** Per ASCII code: its lower-case code when it makes words (letters, digits, apostrophe), else 0. */
const WORD_CODE = Uint8Array.from({ length: 128 }, (_, c) => {
  const lower = c >= 65 && c <= 90 ? c + 32 : c;
  return isWordChar(lower) ? lower : 0;
});

function isWordChar(lowerCode: number): boolean {
  return (lowerCode >= 97 && lowerCode <= 122) || (lowerCode >= 48 && lowerCode <= 57) || lowerCode === 39 || lowerCode > 127;
}

const encoder = new TextEncoder();
const ASCII = new Uint8Array(1 << 16);

let copied: string | undefined;
let copiedIsAscii = false;

/**
 * The characters of `text` as bytes when it is ASCII (a native copy: later passes read a byte array, which is faster
 * than reading a string's characters one call at a time), else undefined. The bytes are valid until a call with another
 * text; the parts of the scorer that read one text in turn (words, sentiment, profanity) share its one copy.
 */
export function asciiBytes(text: string): Uint8Array | undefined {
  if (text !== copied) {
    copied = text;
    if (text.length > ASCII.length) {
      copiedIsAscii = false;
    } else {
      const { read, written } = encoder.encodeInto(text, ASCII);
      copiedIsAscii = read === text.length && written === text.length;
    }
  }
  return copiedIsAscii ? ASCII : undefined;
}

/**
 * The words of one text as vocabulary ids (−1 for a word the vocabulary does not hold), in order: the same words as
 * {@link words}, found without building a string per word, and the ids of their bigrams. One instance is reused from text to text, so the ids are
 * valid until the next {@link WordSequence.read}.
 */
export class WordSequence {
  ids = new Int32Array(256);
  /** `bigrams[i]`: the bigram id of words i − 1 and i (−1 when unknown; i ≥ 1). */
  bigrams = new Int32Array(256);
  count = 0;
  /**
   * The union of the words' cue bits ({@link Vocabulary.cue}); all bits when a word the vocabulary does not hold has
   * an apostrophe or a non-ASCII character (its parts might be cue words).
   */
  cues = 0;

  constructor(private readonly vocabulary: Vocabulary) {}

  read(text: string): this {
    const bytes = asciiBytes(text);
    if (bytes !== undefined) this.scanBytes(bytes, text.length);
    else if (!this.scan(text, false)) this.scan(text.toLowerCase(), true);
    const { ids, bigrams, vocabulary } = this;
    for (let i = 1; i < this.count; i++) {
      const first = ids[i - 1] as number;
      const second = ids[i] as number;
      bigrams[i] = first >= 0 && second >= 0 ? vocabulary.bigramOf(first, second) : -1;
    }
    return this;
  }

  /** Scans ASCII text, folding capitals; false (and nothing read) at the first non-ASCII character unless `lowered`. */
  private scan(source: string, lowered: boolean): boolean {
    const vocabulary = this.vocabulary;
    let ids: Int32Array = this.ids;
    let count = 0;
    let cues = 0;
    let start = -1;
    let hash = HASH_SEED;
    let split = false;
    const length = source.length;
    for (let i = 0; i <= length; i++) {
      let c = 0;
      if (i < length) {
        const code = source.charCodeAt(i);
        if (code < 128) c = WORD_CODE[code] as number;
        else if (lowered) c = code;
        else return false;
      }
      if (c !== 0) {
        if (start < 0) {
          start = i;
          hash = HASH_SEED;
          split = false;
        }
        if (c === 39 || c > 127) split = true;
        hash = hashStep(hash, c);
      } else if (start >= 0) {
        const id = vocabulary.idOfRange(source, start, i, hash);
        cues |= id >= 0 ? vocabulary.cuesOf(id) : split ? -1 : 0;
        if (count === ids.length) ids = this.grow();
        ids[count++] = id;
        start = -1;
      }
    }
    this.count = count;
    this.cues = cues;
    return true;
  }

  /** {@link scan} of ASCII text given as its bytes (read faster than the string's characters). */
  private scanBytes(bytes: Uint8Array, length: number): void {
    const vocabulary = this.vocabulary;
    let ids: Int32Array = this.ids;
    let count = 0;
    let cues = 0;
    let start = -1;
    let hash = HASH_SEED;
    let split = false;
    for (let i = 0; i <= length; i++) {
      const c = i < length ? (WORD_CODE[bytes[i] as number] as number) : 0;
      if (c !== 0) {
        if (start < 0) {
          start = i;
          hash = HASH_SEED;
          split = false;
        }
        if (c === 39) split = true;
        hash = hashStep(hash, c);
      } else if (start >= 0) {
        const id = vocabulary.idOfBytes(bytes, start, i, hash);
        cues |= id >= 0 ? vocabulary.cuesOf(id) : split ? -1 : 0;
        if (count === ids.length) ids = this.grow();
        ids[count++] = id;
        start = -1;
      }
    }
    this.count = count;
    this.cues = cues;
  }

  private grow(): Int32Array {
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    this.ids = ids;
    this.bigrams = new Int32Array(ids.length);
    return ids;
  }
}
