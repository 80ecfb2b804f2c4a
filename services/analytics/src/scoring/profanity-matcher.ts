import {
  RegExpMatcher,
  englishDataset,
  englishRecommendedBlacklistMatcherTransformers,
  englishRecommendedTransformers,
  englishRecommendedWhitelistMatcherTransformers,
} from 'obscenity';
import { ALPHABET, PatternTrie, patternRegExp, type Pattern } from './pattern-trie';
import { asciiBytes } from './words';

interface SimpleTransformer {
  type: 0;
  transform(char: number): number | undefined;
}
interface StatefulTransformer {
  type: 1;
  factory(): { transform(char: number): number | undefined; reset(): void };
}

/** A run longer than this many probes of the collapsing transformer counts as never collapsed. */
const UNLIMITED = 64;
const MAX_TEXT = 1 << 16;
const latin1 = new TextDecoder('latin1');

/**
 * The byte that stands in the buffer for a transformed character outside ASCII: like such a character, it is no word
 * character of a regular expression without the `u` flag, and no pattern holds it (checked at construction).
 */
const OUTSIDE_ASCII = 0;

/**
 * One of obscenity's transformer chains (character-wise transformers, then at most one collapsing of repeats) for
 * ASCII text, tabulated: the transformed characters into a byte buffer, each with the index of its original character.
 * Other text can be transformed too, by the chain itself ({@link TabulatedTransform.applyAny}).
 */
class TabulatedTransform {
  /** Each ASCII character after the character-wise transformers (0 when they drop it). */
  private readonly map = new Uint8Array(ALPHABET);
  /** How many repeats of each transformed character survive the collapsing (UNLIMITED: all). */
  private readonly keep = new Uint8Array(ALPHABET);
  readonly buffer = new Uint8Array(MAX_TEXT);
  readonly origin = new Int32Array(MAX_TEXT);
  length = 0;
  /** The chain itself, in order, with its stateful transformer's one instance (for {@link applyAny}). */
  private readonly chain: { transform(char: number): number | undefined }[] = [];
  private readonly collapsing: { reset(): void } | undefined;

  constructor(transformers: readonly unknown[]) {
    const simple: SimpleTransformer[] = [];
    let collapse: StatefulTransformer | undefined;
    for (const transformer of transformers as (SimpleTransformer | StatefulTransformer)[]) {
      if (transformer.type === 0) {
        simple.push(transformer);
        this.chain.push(transformer);
      } else if (collapse === undefined) {
        collapse = transformer;
        const instance = collapse.factory();
        this.chain.push(instance);
        this.collapsing = instance;
      } else {
        throw new Error('unexpected second stateful transformer in the obscenity preset');
      }
    }
    for (let c = 0; c < ALPHABET; c++) {
      let x: number | undefined = c;
      for (const transformer of simple) x = x === undefined ? undefined : transformer.transform(x);
      this.map[c] = x === undefined || x >= ALPHABET ? 0 : x;
    }
    for (let c = 1; c < ALPHABET; c++) {
      if (!collapse) {
        this.keep[c] = UNLIMITED;
        continue;
      }
      const instance = collapse.factory();
      let kept = 0;
      for (let i = 0; i < UNLIMITED; i++) if (instance.transform(c) !== undefined) kept++;
      this.keep[c] = kept;
    }
  }

  /**
   * Fills the buffer, and `origin` unless `origins` is false (the pre-check needs only the characters); false (buffer
   * unusable) for text that is not ASCII or too long.
   */
  apply(text: string, origins = true): boolean {
    if (text.length > MAX_TEXT) return false;
    const bytes = asciiBytes(text);
    if (bytes === undefined) return false;
    const { map, keep, buffer, origin } = this;
    let length = 0;
    let last = -1;
    let run = 0;
    for (let i = 0; i < text.length; i++) {
      const mapped = map[bytes[i] as number] as number;
      if (mapped === 0) continue;
      const limit = keep[mapped] as number;
      if (mapped === last) {
        if (++run > limit && limit < UNLIMITED) continue;
      } else {
        last = mapped;
        run = 1;
        if (limit === 0) continue;
      }
      if (origins) origin[length] = i;
      buffer[length++] = mapped;
    }
    this.length = length;
    return true;
  }

  /**
   * Fills the buffer (not `origin`) for any text not longer than the buffer, as obscenity's matcher transforms it
   * (`applyTransformers`: code point by code point through the chain, then the transformed code points as a string):
   * each transformed code point outside ASCII becomes {@link OUTSIDE_ASCII}, twice when it takes two UTF-16 code
   * units. A regular expression without the `u` flag reads such a unit as it reads that byte: as no word character
   * that only a wildcard matches.
   */
  applyAny(text: string): boolean {
    if (text.length > MAX_TEXT) return false;
    const { chain, buffer } = this;
    let length = 0;
    for (let i = 0; i < text.length; i++) {
      let char: number | undefined = text.charCodeAt(i);
      // obscenity's CharacterIterator: a high surrogate followed by a low one is one code point.
      if (char >= 0xd800 && char <= 0xdbff && i + 1 < text.length) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          char = (char - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
          i++;
        }
      }
      for (let t = 0; t < chain.length && char !== undefined; t++) char = (chain[t] as (typeof chain)[number]).transform(char);
      if (char === undefined) continue;
      if (char < ALPHABET) {
        buffer[length++] = char;
      } else {
        buffer[length++] = OUTSIDE_ASCII;
        if (char > 0xffff) buffer[length++] = OUTSIDE_ASCII;
      }
    }
    this.collapsing?.reset();
    this.length = length;
    return true;
  }

  text(): string {
    return latin1.decode(this.buffer.subarray(0, this.length));
  }
}

/**
 * Whitelisted terms found in a byte buffer as obscenity's `getWhitelistedIntervals` finds them, one `indexOf` loop per
 * term (left to right, each occurrence starting at or after the end of the previous one of the same term), but in one
 * pass: at each position, only the terms that start with its two characters are compared. For ASCII terms of two
 * characters or more (a term outside ASCII never occurs in a buffer of ASCII text, and is left out).
 */
class TermIndex {
  private readonly terms: Uint8Array[];
  /** By the code of a term's first two characters (first × 128 + second), where its terms start in `grouped`. */
  private readonly starts = new Int32Array(ALPHABET * ALPHABET + 1);
  private readonly grouped: Int32Array;
  private readonly lastEnd: Int32Array;

  static supports(terms: readonly string[]): boolean {
    return terms.every((term) => term.length >= 2);
  }

  constructor(terms: readonly string[]) {
    const ascii = (term: string): boolean => Array.from(term).every((c) => c.charCodeAt(0) < ALPHABET);
    this.terms = terms.filter(ascii).map((term) => Uint8Array.from(term, (c) => c.charCodeAt(0)));
    const pairOf = (term: Uint8Array): number => (term[0] as number) * ALPHABET + (term[1] as number);
    for (const term of this.terms) this.starts[pairOf(term) + 1]++;
    for (let pair = 0; pair < ALPHABET * ALPHABET; pair++) this.starts[pair + 1] = (this.starts[pair + 1] as number) + (this.starts[pair] as number);
    const fill = this.starts.slice(0, ALPHABET * ALPHABET);
    this.grouped = new Int32Array(this.terms.length);
    this.terms.forEach((term, index) => {
      const pair = pairOf(term);
      this.grouped[fill[pair] as number] = index;
      fill[pair] = (fill[pair] as number) + 1;
    });
    this.lastEnd = new Int32Array(this.terms.length);
  }

  /** Calls `found(start, length)` for each occurrence in `buffer[0, length)`. */
  forEach(buffer: Uint8Array, length: number, found: (start: number, length: number) => void): void {
    const { terms, starts, grouped, lastEnd } = this;
    lastEnd.fill(0);
    for (let at = 0; at + 1 < length; at++) {
      const pair = (buffer[at] as number) * ALPHABET + (buffer[at + 1] as number);
      for (let g = starts[pair] as number; g < (starts[pair + 1] as number); g++) {
        const index = grouped[g] as number;
        const term = terms[index] as Uint8Array;
        if (at < (lastEnd[index] as number) || at + term.length > length) continue;
        let same = true;
        for (let i = 2; i < term.length && same; i++) same = buffer[at + i] === term[i];
        if (!same) continue;
        found(at, term.length);
        lastEnd[index] = at + term.length;
      }
    }
  }
}

/** Pre-check verdicts: no pattern can match; one may (ASCII text, checked on the buffer); obscenity's matcher decides. */
const NO = 0;
const MAYBE = 1;
const OBSCENITY = 2;

/**
 * npm `obscenity`'s English profanity matcher, answered the same way faster. The matcher runs over a hundred regular
 * expressions on a transformed copy of the text (confusables, leetspeak, lower case, collapsed repeats), and most text
 * holds no profanity at all. For ASCII text the same transformed copy is built with obscenity's own transformers,
 * tabulated, and walked once through a trie of all blacklisted patterns with their word boundaries
 * (`pattern-trie.ts`): no walk matches, no profanity. When one does, obscenity's own procedure follows on the copy:
 * each pattern's matches, each dropped when a whitelisted term (found on the whitelist's transformed copy) spans it.
 * Other text is transformed by obscenity's own chain for the same walk (characters outside ASCII standing as one
 * byte that only a wildcard matches), and goes to obscenity's matcher itself only when a walk matches. The answers are
 * identical (`profanity-matcher.spec.ts` compares them on every labelled text).
 */
export class ProfanityMatcher {
  private readonly matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
  private readonly blacklist = new TabulatedTransform(englishRecommendedBlacklistMatcherTransformers);
  private readonly whitelist = new TabulatedTransform(englishRecommendedWhitelistMatcherTransformers);
  /** Every blacklisted pattern in one trie; undefined (no pre-check) if some pattern is not ASCII. */
  private readonly anyPattern: PatternTrie | undefined;
  /** Each blacklisted pattern as obscenity compiles it. */
  private readonly patterns: RegExp[];
  private readonly whitelistedTerms: readonly string[];
  /** The whitelisted terms indexed for one pass over a buffer; undefined when some term is too short for it. */
  private readonly whitelistIndex: TermIndex | undefined;

  constructor() {
    const dataset = englishDataset.build();
    const patterns = dataset.blacklistedTerms.map((term) => term.pattern as unknown as Pattern);
    const trie = PatternTrie.supports(patterns) ? new PatternTrie(patterns) : undefined;
    this.anyPattern = trie?.holds(OUTSIDE_ASCII) === false ? trie : undefined;
    this.patterns = patterns.map(patternRegExp);
    this.whitelistedTerms = dataset.whitelistedTerms ?? [];
    this.whitelistIndex = TermIndex.supports(this.whitelistedTerms) ? new TermIndex(this.whitelistedTerms) : undefined;
  }

  hasMatch(text: string): boolean {
    const verdict = this.precheck(text);
    if (verdict === NO) return false;
    return verdict === OBSCENITY ? this.matcher.hasMatch(text) : this.matchesTransformed(text);
  }

  /** False only when no pattern can match `text`. */
  mayMatch(text: string): boolean {
    return this.precheck(text) !== NO;
  }

  private precheck(text: string): number {
    const { anyPattern, blacklist } = this;
    if (anyPattern === undefined) return OBSCENITY;
    if (blacklist.apply(text, false)) return anyPattern.matchesAnywhere(blacklist.buffer, blacklist.length) ? MAYBE : NO;
    if (!blacklist.applyAny(text)) return OBSCENITY;
    return anyPattern.matchesAnywhere(blacklist.buffer, blacklist.length) ? OBSCENITY : NO;
  }

  /** obscenity's `hasMatch` on the blacklist's transformed copy of ASCII text, with the origin of each character. */
  private matchesTransformed(text: string): boolean {
    this.blacklist.apply(text);
    const transformed = this.blacklist.text();
    const origin = this.blacklist.origin;
    let whitelisted: [number, number][] | undefined;
    // Only the patterns the trie found; exec with lastIndex, as matchAll would (matchAll copies the expression per call).
    for (const index of (this.anyPattern as PatternTrie).matchingPatterns(this.blacklist.buffer, this.blacklist.length)) {
      const pattern = this.patterns[index] as RegExp;
      pattern.lastIndex = 0;
      for (let match = pattern.exec(transformed); match !== null; match = pattern.exec(transformed)) {
        if (match[0].length === 0) pattern.lastIndex++;
        const start = origin[match.index] as number;
        const end = origin[match.index + match[0].length - 1] as number;
        whitelisted ??= this.whitelistedIntervals(text);
        if (!whitelisted.some(([from, to]) => from <= start && end <= to)) return true;
      }
    }
    return false;
  }

  /** Where whitelisted terms occur, as intervals of original indices (obscenity's `getWhitelistedIntervals`). */
  private whitelistedIntervals(text: string): [number, number][] {
    const intervals: [number, number][] = [];
    if (!this.whitelist.apply(text)) throw new Error('whitelist transform of ASCII text failed');
    const { buffer, length, origin } = this.whitelist;
    if (this.whitelistIndex !== undefined) {
      this.whitelistIndex.forEach(buffer, length, (at, termLength) => intervals.push([origin[at] as number, origin[at + termLength - 1] as number]));
      return intervals;
    }
    const transformed = this.whitelist.text();
    for (const term of this.whitelistedTerms) {
      let lastEnd = 0;
      for (let at = transformed.indexOf(term, lastEnd); at !== -1; at = transformed.indexOf(term, lastEnd)) {
        intervals.push([origin[at] as number, origin[at + term.length - 1] as number]);
        lastEnd = at + term.length;
      }
    }
    return intervals;
  }
}
