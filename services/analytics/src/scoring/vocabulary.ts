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

/**
 * Words → dense ids (0, 1, 2, …), looked up straight from a range of the scanned text with the hash the scanner
 * computed on the way, so that scoring builds no string per word. Open addressing with linear probing; grows while
 * models are trained at start, read-only afterwards.
 */
export class Vocabulary {
  private readonly words: string[] = [];
  private hashes = new Int32Array(64);
  private slots = new Int32Array(128);

  get size(): number {
    return this.words.length;
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
    if ((this.words.length + 1) * 4 > this.slots.length) this.grow();
    const id = this.words.length;
    this.words.push(word);
    if (this.hashes.length <= id) {
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[id] = hash;
    this.place(id, hash);
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

  private find(text: string, start: number, end: number, hash: number, foldAscii: boolean): number {
    const slots = this.slots;
    const mask = slots.length - 2;
    const length = end - start;
    for (let slot = (hash << 1) & mask; ; slot = (slot + 2) & mask) {
      const entry = slots[slot + 1] as number;
      if (entry === 0) return -1;
      if (slots[slot] !== hash) continue;
      const id = entry - 1;
      const word = this.words[id] as string;
      if (word.length !== length) continue;
      let same = true;
      for (let i = 0; i < length; i++) {
        let c = text.charCodeAt(start + i);
        if (foldAscii && c >= 65 && c <= 90) c += 32;
        if (c !== word.charCodeAt(i)) {
          same = false;
          break;
        }
      }
      if (same) return id;
    }
  }

  /** Slots hold (hash, id + 1) side by side, so that a probe reads one cache line. */
  private place(id: number, hash: number): void {
    const mask = this.slots.length - 2;
    let slot = (hash << 1) & mask;
    while (this.slots[slot + 1] !== 0) slot = (slot + 2) & mask;
    this.slots[slot] = hash;
    this.slots[slot + 1] = id + 1;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let id = 0; id < this.words.length; id++) this.place(id, this.hashes[id] as number);
  }
}

/** Pairs of ids (bigrams, or an n-gram's prefix and its next word) → a value ≥ 0; open addressing, no allocation to look up. */
export class PairTable {
  private firsts: Int32Array;
  private seconds: Int32Array;
  private values: Int32Array;
  private count = 0;

  constructor(expected = 32) {
    const size = tableSize(expected);
    this.firsts = new Int32Array(size).fill(-1);
    this.seconds = new Int32Array(size);
    this.values = new Int32Array(size);
  }

  get size(): number {
    return this.count;
  }

  private static hash(first: number, second: number): number {
    return Math.imul(first, 0x9e3779b1) ^ Math.imul(second + 0x7f4a7c15, 0x85ebca6b);
  }

  /** The value of (first, second), or −1. */
  get(first: number, second: number): number {
    const mask = this.firsts.length - 1;
    for (let slot = PairTable.hash(first, second) & mask; ; slot = (slot + 1) & mask) {
      const f = this.firsts[slot] as number;
      if (f === -1) return -1;
      if (f === first && this.seconds[slot] === second) return this.values[slot] as number;
    }
  }

  set(first: number, second: number, value: number): void {
    if ((this.count + 1) * 2 > this.firsts.length) this.grow();
    const mask = this.firsts.length - 1;
    let slot = PairTable.hash(first, second) & mask;
    for (; ; slot = (slot + 1) & mask) {
      const f = this.firsts[slot] as number;
      if (f === -1) break;
      if (f === first && this.seconds[slot] === second) {
        this.values[slot] = value;
        return;
      }
    }
    this.firsts[slot] = first;
    this.seconds[slot] = second;
    this.values[slot] = value;
    this.count++;
  }

  private grow(): void {
    const { firsts, seconds, values } = this;
    const size = firsts.length * 2;
    this.firsts = new Int32Array(size).fill(-1);
    this.seconds = new Int32Array(size);
    this.values = new Int32Array(size);
    this.count = 0;
    for (let slot = 0; slot < firsts.length; slot++) {
      if (firsts[slot] !== -1) this.set(firsts[slot] as number, seconds[slot] as number, values[slot] as number);
    }
  }
}
