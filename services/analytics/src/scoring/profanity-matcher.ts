import {
  RegExpMatcher,
  englishDataset,
  englishRecommendedBlacklistMatcherTransformers,
  englishRecommendedTransformers,
} from 'obscenity';

/** obscenity's SyntaxKind. */
const OPTIONAL = 0;
const WILDCARD = 1;
const LITERAL = 2;
const ALPHABET = 128;

interface PatternNode {
  kind: number;
  chars?: number[];
  childNode?: PatternNode;
}

interface SimpleTransformer {
  type: 0;
  transform(char: number): number | undefined;
}
interface StatefulTransformer {
  type: 1;
  factory(): { transform(char: number): number | undefined; reset(): void };
}

const escape = (chars: readonly number[]): string => String.fromCharCode(...chars).replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

interface Pattern {
  nodes: PatternNode[];
  requireWordBoundaryAtStart: boolean;
  requireWordBoundaryAtEnd: boolean;
}

/** A pattern as a regular expression over the transformed text, with its word boundaries (as obscenity compiles it), without its whitelist. */
function patternSource(pattern: Pattern): string {
  const body = pattern.nodes
    .map((node) => {
      if (node.kind === LITERAL) return escape(node.chars ?? []);
      if (node.kind === WILDCARD) return '[\\s\\S]';
      const child = node.childNode;
      if (node.kind === OPTIONAL && child) return `(?:${child.kind === WILDCARD ? '[\\s\\S]' : escape(child.chars ?? [])})?`;
      throw new Error(`unexpected pattern node kind ${node.kind}`);
    })
    .join('');
  return `${pattern.requireWordBoundaryAtStart ? '\\b' : ''}${body}${pattern.requireWordBoundaryAtEnd ? '\\b' : ''}`;
}

/**
 * npm `obscenity`'s English profanity matcher behind an exact pre-check. The matcher runs over a hundred regular
 * expressions on a transformed copy of the text (confusables, leetspeak, lower case, collapsed repeats), and most text
 * holds no profanity at all. For ASCII text the pre-check builds the same transformed copy (with obscenity's own
 * transformers, tabulated) and tests it once against all blacklisted patterns joined into one regular expression, with
 * their word boundaries but without the whitelist (so it matches whenever the matcher could); when it does not match,
 * the matcher is skipped. Other text always goes to the
 * matcher. The answers are identical (`profanity-matcher.spec.ts` compares them on every labelled text).
 */
export class ProfanityMatcher {
  private readonly matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
  /** Each ASCII character after the character-wise transformers (0 when they drop it). */
  private readonly map = new Uint8Array(ALPHABET);
  /** How many repeats of each transformed character survive the collapsing. */
  private readonly keep = new Uint8Array(ALPHABET);
  /** Every blacklisted pattern in one expression: a match of any pattern is a match of this one. */
  private readonly anyPattern: RegExp;
  private readonly buffer = new Uint8Array(1 << 16);
  private readonly decoder = new TextDecoder('latin1');

  constructor() {
    const simple: SimpleTransformer[] = [];
    let collapse: StatefulTransformer | undefined;
    for (const transformer of englishRecommendedBlacklistMatcherTransformers as unknown as (SimpleTransformer | StatefulTransformer)[]) {
      if (transformer.type === 0) simple.push(transformer);
      else if (collapse === undefined) collapse = transformer;
      else throw new Error('unexpected second stateful transformer in the obscenity preset');
    }
    for (let c = 0; c < ALPHABET; c++) {
      let x: number | undefined = c;
      for (const transformer of simple) x = x === undefined ? undefined : transformer.transform(x);
      this.map[c] = x === undefined || x >= ALPHABET ? 0 : x;
    }
    for (let c = 1; c < ALPHABET; c++) {
      if (!collapse) {
        this.keep[c] = 255;
        continue;
      }
      const instance = collapse.factory();
      let kept = 0;
      for (let i = 0; i < 8; i++) if (instance.transform(c) !== undefined) kept++;
      this.keep[c] = kept;
    }
    this.anyPattern = new RegExp(englishDataset.build().blacklistedTerms.map((term) => patternSource(term.pattern as unknown as Pattern)).join('|'));
  }

  hasMatch(text: string): boolean {
    return this.mayMatch(text) && this.matcher.hasMatch(text);
  }

  /** False only when no pattern can match `text`. */
  mayMatch(text: string): boolean {
    if (text.length > this.buffer.length) return true;
    let length = 0;
    let last = -1;
    let run = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= ALPHABET) return true;
      const mapped = this.map[code] as number;
      if (mapped === 0) continue;
      if (mapped === last) {
        if (++run > (this.keep[mapped] as number)) continue;
      } else {
        last = mapped;
        run = 1;
        if ((this.keep[mapped] as number) === 0) continue;
      }
      this.buffer[length++] = mapped;
    }
    return this.anyPattern.test(this.decoder.decode(this.buffer.subarray(0, length)));
  }
}
