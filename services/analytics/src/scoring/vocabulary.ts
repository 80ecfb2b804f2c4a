/** FNV-1a over UTF-16 code units: the hash a scanner keeps while it walks a word, one step per character. */
export const HASH_SEED = 0x811c9dc5 | 0;

export function hashStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193);
}

function tableSize(entries: number): number {
  let size = 64;
  while (size < entries * 2) size <<= 1;
  return size;
}

const PAIR_FILTER_LOG2 = 20;
const WORD_FILTER_LOG2 = 19;
const PAIR_FILTER_BITS = 1 << PAIR_FILTER_LOG2;

/** The bit of the pair (first, second) in the vocabulary's pair filter: the top bits of a multiplicative hash. */
function pairBit(first: number, second: number): number {
  return (Math.imul(first, 0x9e3779b1) ^ Math.imul(second + 0x632be5ab, 0x85ebca6b)) >>> (32 - PAIR_FILTER_LOG2);
}

/**
 * Words → dense ids (0, 1, 2, …), looked up straight from a range of the scanned text with the hash the scanner
 * computed on the way, so that scoring builds no string per word. Open addressing with linear probing; grows while
 * models are trained at start, read-only afterwards.
 */
export class Vocabulary {
  private readonly words: string[] = [];
  /** Word pairs seen in training → dense bigram ids, shared by every model trained on this vocabulary. */
  private readonly pairs = new PairTable(1024);
  /**
   * One bit per hash of a pair, set for every bigram (a Bloom filter with one hash): most word pairs of a text are no
   * bigram, and their look-up stops at this table instead of probing the pair table. 128 KiB: with the bundled
   * training data about one bit in seven is set, so about one pair in seven that is no bigram passes; a smaller
   * table lets more pass, a larger one stays less in the second-level cache.
   */
  private readonly pairFilter = new Int32Array(PAIR_FILTER_BITS >>> 5);
  /**
   * One bit per hash of a word (its top bits; the slots are chosen by its low ones), set for every word: a text's word
   * that the vocabulary does not hold mostly stops at this table (64 KiB, which stays in cache) instead of probing
   * the slots.
   */
  private readonly wordFilter = new Int32Array((1 << WORD_FILTER_LOG2) >>> 5);
  private hashes = new Int32Array(64);
  /** Open-addressing slots of four: (hash, id + 1, start of the word in `chars`, length), so that a probe reads one cache line. */
  private slots = new Int32Array(256);
  /** Every word's characters, one after the other: a probe compares against these, not against a string elsewhere in the heap. */
  private chars = new Uint16Array(1024);
  private charsUsed = 0;
  /** Per word id, where its characters start in `chars`. */
  private starts = new Int32Array(64);
  /** Per word id, the cue bits it carries (see {@link Vocabulary.cue}). */
  private cueBits = new Int32Array(64);
  private cueCount = 0;

  get size(): number {
    return this.words.length;
  }

  get bigrams(): number {
    return this.pairs.size;
  }

  /** The id of the bigram (first, second), added when new. */
  addBigram(first: number, second: number): number {
    const found = this.pairs.get(first, second);
    if (found >= 0) return found;
    const id = this.pairs.size;
    this.pairs.set(first, second, id);
    const bit = pairBit(first, second);
    this.pairFilter[bit >>> 5] = (this.pairFilter[bit >>> 5] as number) | (1 << (bit & 31));
    return id;
  }

  /** The id of the bigram (first, second) of two known words, or −1. */
  bigramOf(first: number, second: number): number {
    const bit = pairBit(first, second);
    if (((this.pairFilter[bit >>> 5] as number) & (1 << (bit & 31))) === 0) return -1;
    return this.pairs.get(first, second);
  }

  /**
   * Registers cue words under a new bit and returns the bit: a word carries it when it is one of `words` or when one
   * of its parts (split at apostrophes and non-ASCII characters, where a regular expression's `\b` falls) is. A
   * pattern that needs one of its cue words as a whole word can then be skipped for any text whose words carry none.
   */
  cue(words: readonly string[]): number {
    if (this.cueCount === 31) throw new Error('at most 31 cue sets per vocabulary');
    const bit = 1 << this.cueCount++;
    for (const word of words) this.cueBits[this.add(word)] = (this.cueBits[this.add(word)] as number) | bit;
    for (let id = 0; id < this.words.length; id++) this.cueBits[id] = (this.cueBits[id] as number) | this.cuesOfParts(this.words[id] as string);
    return bit;
  }

  /** The cue bits of word `id` (0 for −1, an unknown word). */
  cuesOf(id: number): number {
    return id < 0 ? 0 : (this.cueBits[id] as number);
  }

  private cuesOfParts(word: string): number {
    let bits = 0;
    let start = 0;
    for (let i = 0; i <= word.length; i++) {
      const c = i < word.length ? word.charCodeAt(i) : 39;
      if (c !== 39 && c <= 127) continue;
      if (i > start && !(start === 0 && i === word.length)) {
        const part = this.idOf(word.slice(start, i));
        if (part >= 0) bits |= this.cueBits[part] as number;
      }
      start = i + 1;
    }
    return bits;
  }

  wordOf(id: number): string {
    return this.words[id] as string;
  }

  static hashOf(word: string): number {
    let hash = HASH_SEED;
    for (let i = 0; i < word.length; i++) hash = hashStep(hash, word.charCodeAt(i));
    return hash;
  }

  /** The id of `word`, added when new. */
  add(word: string): number {
    const hash = Vocabulary.hashOf(word);
    const found = this.find(word, 0, word.length, hash, false);
    if (found >= 0) return found;
    // At most two words in three slots: a table half as large as at half full, which more often stays in cache.
    if ((this.words.length + 1) * 6 > this.slots.length) this.grow();
    const id = this.words.length;
    this.words.push(word);
    if (this.hashes.length <= id) {
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
      const cueBits = new Int32Array(this.hashes.length);
      cueBits.set(this.cueBits);
      this.cueBits = cueBits;
      const starts = new Int32Array(this.hashes.length);
      starts.set(this.starts);
      this.starts = starts;
    }
    if (this.charsUsed + word.length > this.chars.length) {
      const chars = new Uint16Array(Math.max(this.chars.length * 2, this.charsUsed + word.length));
      chars.set(this.chars);
      this.chars = chars;
    }
    for (let i = 0; i < word.length; i++) this.chars[this.charsUsed + i] = word.charCodeAt(i);
    this.starts[id] = this.charsUsed;
    this.charsUsed += word.length;
    this.hashes[id] = hash;
    this.place(id, hash);
    if (this.cueCount > 0) this.cueBits[id] = this.cuesOfParts(word);
    return id;
  }

  /** The id of `word`, or −1. */
  idOf(word: string): number {
    return this.find(word, 0, word.length, Vocabulary.hashOf(word), false);
  }

  /**
   * The id of `text[start, end)` with ASCII capitals read as lower case (`hash` computed over the lower-cased code
   * units with {@link hashStep}), or −1.
   */
  idOfRange(text: string, start: number, end: number, hash: number): number {
    return this.find(text, start, end, hash, true);
  }

  /** {@link idOfRange} over ASCII text given as bytes. */
  idOfBytes(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const bit = hash >>> (32 - WORD_FILTER_LOG2);
    if (((this.wordFilter[bit >>> 5] as number) & (1 << (bit & 31))) === 0) return -1;
    const { slots, chars } = this;
    const mask = slots.length - 4;
    const length = end - start;
    for (let slot = (hash << 2) & mask; ; slot = (slot + 4) & mask) {
      const entry = slots[slot + 1] as number;
      if (entry === 0) return -1;
      if (slots[slot] !== hash || slots[slot + 3] !== length) continue;
      const at = slots[slot + 2] as number;
      let same = true;
      for (let i = 0; i < length; i++) {
        let c = bytes[start + i] as number;
        if (c >= 65 && c <= 90) c += 32;
        if (c !== chars[at + i]) {
          same = false;
          break;
        }
      }
      if (same) return entry - 1;
    }
  }

  private find(text: string, start: number, end: number, hash: number, foldAscii: boolean): number {
    const { slots, chars } = this;
    const mask = slots.length - 4;
    const length = end - start;
    for (let slot = (hash << 2) & mask; ; slot = (slot + 4) & mask) {
      const entry = slots[slot + 1] as number;
      if (entry === 0) return -1;
      if (slots[slot] !== hash || slots[slot + 3] !== length) continue;
      const at = slots[slot + 2] as number;
      let same = true;
      for (let i = 0; i < length; i++) {
        let c = text.charCodeAt(start + i);
        if (foldAscii && c >= 65 && c <= 90) c += 32;
        if (c !== chars[at + i]) {
          same = false;
          break;
        }
      }
      if (same) return entry - 1;
    }
  }

  private place(id: number, hash: number): void {
    const slots = this.slots;
    const mask = slots.length - 4;
    let slot = (hash << 2) & mask;
    while (slots[slot + 1] !== 0) slot = (slot + 4) & mask;
    slots[slot] = hash;
    slots[slot + 1] = id + 1;
    slots[slot + 2] = this.starts[id] as number;
    slots[slot + 3] = (this.words[id] as string).length;
    const bit = hash >>> (32 - WORD_FILTER_LOG2);
    this.wordFilter[bit >>> 5] = (this.wordFilter[bit >>> 5] as number) | (1 << (bit & 31));
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let id = 0; id < this.words.length; id++) this.place(id, this.hashes[id] as number);
  }
}

/**
 * Pairs of ids (bigrams, or an n-gram's prefix and its next word) → a value ≥ 0; open addressing with each slot's
 * (first, second, value) side by side, so that a probe reads one cache line and a look-up allocates nothing.
 */
export class PairTable {
  private slots: Int32Array;
  private count = 0;

  constructor(expected = 32) {
    this.slots = new Int32Array(3 * tableSize(expected)).fill(-1);
  }

  get size(): number {
    return this.count;
  }

  private static hash(first: number, second: number): number {
    return Math.imul(first, 0x9e3779b1) ^ Math.imul(second + 0x7f4a7c15, 0x85ebca6b);
  }

  /** The value of (first, second), or −1. */
  get(first: number, second: number): number {
    const slots = this.slots;
    const capacity = slots.length / 3;
    const mask = capacity - 1;
    for (let slot = PairTable.hash(first, second) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 3;
      const f = slots[at] as number;
      if (f === -1) return -1;
      if (f === first && slots[at + 1] === second) return slots[at + 2] as number;
    }
  }

  set(first: number, second: number, value: number): void {
    if ((this.count + 1) * 2 > this.slots.length / 3) this.grow();
    const slots = this.slots;
    const mask = slots.length / 3 - 1;
    for (let slot = PairTable.hash(first, second) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 3;
      const f = slots[at] as number;
      if (f === -1) {
        slots[at] = first;
        slots[at + 1] = second;
        slots[at + 2] = value;
        this.count++;
        return;
      }
      if (f === first && slots[at + 1] === second) {
        slots[at + 2] = value;
        return;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    this.count = 0;
    for (let at = 0; at < old.length; at += 3) {
      if (old[at] !== -1) this.set(old[at] as number, old[at + 1] as number, old[at + 2] as number);
    }
  }
}
