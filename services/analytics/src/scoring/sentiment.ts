import type { Sentiment } from '@switchboard/contracts';
import { BOOSTERS, C_INCR, IDIOMS, NEGATIONS, N_SCALAR } from './vader-constants';
import { SARCASTIC_THANKS } from './thanks';
import { EMOJI_AS_EMOTICON, sentimentLexicon } from './vader-lexicon';
import { HASH_SEED, hashStep, PairTable, Vocabulary } from './vocabulary';
import { asciiBytes } from './words';

const ALPHA = 15;

export function normalize(score: number): number {
  const value = score / Math.sqrt(score * score + ALPHA);
  return value < -1 ? -1 : value > 1 ? 1 : value;
}

export function labelOf(compound: number): Sentiment['label'] {
  return compound >= 0.05 ? 'positive' : compound <= -0.05 ? 'negative' : 'neutral';
}

/** ASCII punctuation (Python's string.punctuation), stripped from both ends of a token. */
const PUNCTUATION = new Uint8Array(128);
for (const c of '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~') PUNCTUATION[c.charCodeAt(0)] = 1;

/** What the tokenizer needs to know of a character: white space (Python's `str.split()` of these), "!", "?", other. */
const OTHER = 0;
const SPACE = 1;
const EXCLAMATION = 2;
const QUESTION = 3;
const NON_ASCII = 4;
const ASCII_KIND = Uint8Array.from({ length: 128 }, (_, c) =>
  c === 32 || (c >= 9 && c <= 13) ? SPACE : c === 33 ? EXCLAMATION : c === 63 ? QUESTION : OTHER,
);

/** Python's str.isupper(): at least one cased character and no lower-case one. */
function isUpper(word: string): boolean {
  let cased = false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 97 && c <= 122) return false;
    if (c >= 65 && c <= 90) cased = true;
    else if (c > 127) {
      const ch = word[i] as string;
      const lower = ch.toLowerCase();
      const upper = ch.toUpperCase();
      if (lower !== upper) {
        if (ch === lower) return false;
        cased = true;
      }
    }
  }
  return cased;
}

/**
 * Sarcastic thanks ("Oh great, thanks for wasting my time.", {@link SARCASTIC_THANKS}): the lexicon rates the thanks and
 * the "great" as praise, so a positive score of a text that holds them is turned into the negative one of the same
 * strength. `sarcastic`: whether the text holds them (read once for several scores).
 */
function withSarcasm(value: number, sarcastic: boolean): number {
  return sarcastic && value > 0 ? -value : value;
}

export interface SentimentScorer {
  score(text: string): Sentiment;
  compound(text: string): number;
}

/** Words the rules look for by name. */
const RULE_WORDS = ['no', 'but', 'kind', 'of', 'least', 'at', 'very', 'never', 'so', 'this', 'without', 'doubt', 'or', 'nor'] as const;
type RuleWord = (typeof RULE_WORDS)[number];

const ROLE_FIRST_OF_2 = 1;
const ROLE_SECOND_OF_2 = 2;
const ROLE_FIRST_OF_3 = 4;
const ROLE_SECOND_OF_3 = 8;
const ROLE_THIRD_OF_3 = 16;
const ROLE_FIRST_OF_BOOSTER = 32;
const ROLE_SECOND_OF_BOOSTER = 64;

/**
 * Everything the rules know about a token, precomputed at start per vocabulary id: its valence in each lexicon (and
 * whether that lexicon rates it), its booster/dampener increment, whether it negates, whether it can start or end an idiom.
 */
class VaderTables {
  readonly vocabulary = new Vocabulary();
  /** Per lexicon given, per id: whether it rates the word, and its valence. */
  readonly rated: Uint8Array[];
  readonly valence: Float64Array[];
  readonly boost: Float64Array;
  readonly negation: Uint8Array;
  readonly inIdiom: Uint8Array;
  /** Per id, the places it takes in some idiom or multi-word booster (ROLE_* bits): pairs not fitting are not looked up. */
  readonly roles: Uint8Array;
  /** Two-word idioms and multi-word boosters: pair of ids → index into `idiomValues` / `boostValues`. */
  readonly idioms2 = new PairTable();
  readonly boosters2 = new PairTable();
  /** Three-word idioms: (first, second) → prefix, then (prefix, third) → index into `idiomValues`. */
  readonly prefixes3 = new PairTable();
  readonly idioms3 = new PairTable();
  readonly idiomValues: number[] = [];
  readonly boostValues: number[] = [];
  readonly id: Record<RuleWord, number>;
  /** The ids of "thank" and "thanks", the tokens without which a text holds no sarcastic thanks. */
  readonly thanks: readonly number[];

  constructor(lexicons: readonly ReadonlyMap<string, number>[]) {
    const v = this.vocabulary;
    for (const lexicon of lexicons) for (const word of lexicon.keys()) v.add(word);
    for (const word of [...BOOSTERS.keys(), ...IDIOMS.keys()]) for (const part of word.split(' ')) v.add(part);
    for (const word of [...NEGATIONS, ...RULE_WORDS, 'thank', 'thanks']) v.add(word);
    const size = v.size;
    this.rated = lexicons.map(() => new Uint8Array(size));
    this.valence = lexicons.map(() => new Float64Array(size));
    this.boost = new Float64Array(size);
    this.negation = new Uint8Array(size);
    this.inIdiom = new Uint8Array(size);
    this.roles = new Uint8Array(size);
    for (let id = 0; id < size; id++) {
      const word = v.wordOf(id);
      lexicons.forEach((lexicon, k) => {
        const valence = lexicon.get(word);
        if (valence !== undefined) {
          (this.rated[k] as Uint8Array)[id] = 1;
          (this.valence[k] as Float64Array)[id] = valence;
        }
      });
      this.boost[id] = BOOSTERS.get(word) ?? 0;
      this.negation[id] = NEGATIONS.has(word) || word.includes("n't") ? 1 : 0;
    }
    for (const [phrase, value] of IDIOMS) {
      const ids = phrase.split(' ').map((part) => v.idOf(part));
      for (const id of ids) this.inIdiom[id] = 1;
      this.markRoles(ids, ids.length === 2 ? [ROLE_FIRST_OF_2, ROLE_SECOND_OF_2] : [ROLE_FIRST_OF_3, ROLE_SECOND_OF_3, ROLE_THIRD_OF_3]);
      this.idiomValues.push(value);
      if (ids.length === 2) this.idioms2.set(ids[0] as number, ids[1] as number, this.idiomValues.length - 1);
      if (ids.length === 3) {
        let prefix = this.prefixes3.get(ids[0] as number, ids[1] as number);
        if (prefix < 0) {
          prefix = this.prefixes3.size;
          this.prefixes3.set(ids[0] as number, ids[1] as number, prefix);
        }
        this.idioms3.set(prefix, ids[2] as number, this.idiomValues.length - 1);
      }
    }
    for (const [phrase, value] of BOOSTERS) {
      const ids = phrase.split(' ').map((part) => v.idOf(part));
      if (ids.length !== 2) continue;
      for (const id of ids) this.inIdiom[id] = 1;
      this.markRoles(ids, [ROLE_FIRST_OF_BOOSTER, ROLE_SECOND_OF_BOOSTER]);
      this.boostValues.push(value);
      this.boosters2.set(ids[0] as number, ids[1] as number, this.boostValues.length - 1);
    }
    this.id = Object.fromEntries(RULE_WORDS.map((word) => [word, v.idOf(word)])) as Record<RuleWord, number>;
    this.thanks = ['thank', 'thanks'].map((word) => v.idOf(word));
  }

  private markRoles(ids: readonly number[], roles: readonly number[]): void {
    ids.forEach((id, k) => (this.roles[id] = (this.roles[id] as number) | (roles[k] as number)));
  }

  private has(id: number, role: number): boolean {
    return id >= 0 && ((this.roles[id] as number) & role) !== 0;
  }

  idiom2(a: number, b: number): number | undefined {
    if (!this.has(a, ROLE_FIRST_OF_2) || !this.has(b, ROLE_SECOND_OF_2)) return undefined;
    const at = this.idioms2.get(a, b);
    return at < 0 ? undefined : this.idiomValues[at];
  }

  idiom3(a: number, b: number, c: number): number | undefined {
    if (!this.has(a, ROLE_FIRST_OF_3) || !this.has(b, ROLE_SECOND_OF_3) || !this.has(c, ROLE_THIRD_OF_3)) return undefined;
    const prefix = this.prefixes3.get(a, b);
    const at = prefix < 0 ? -1 : this.idioms3.get(prefix, c);
    return at < 0 ? undefined : this.idiomValues[at];
  }

  booster2(a: number, b: number): number {
    if (!this.has(a, ROLE_FIRST_OF_BOOSTER) || !this.has(b, ROLE_SECOND_OF_BOOSTER)) return 0;
    const at = this.boosters2.get(a, b);
    return at < 0 ? 0 : (this.boostValues[at] as number);
  }
}

/**
 * The tokens of one text as VADER reads them (whitespace-separated, leading/trailing punctuation stripped unless two
 * characters or fewer would remain, emoji as emoticons, looked up lower-cased): vocabulary id (−1 unknown), whether
 * the token is ALL CAPS, whether it negates; plus the text's "!" and "?" counts. Reused from text to text.
 */
class VaderTokens {
  ids = new Int32Array(128);
  upper = new Uint8Array(128);
  negation = new Uint8Array(128);
  count = 0;
  exclamations = 0;
  questions = 0;

  constructor(private readonly tables: VaderTables) {}

  read(text: string): void {
    const bytes = asciiBytes(text);
    if (bytes !== undefined) {
      this.readBytes(bytes, text.length);
      return;
    }
    this.count = 0;
    let exclamations = 0;
    let questions = 0;
    let start = -1;
    let ascii = true;
    const length = text.length;
    for (let i = 0; i < length; i++) {
      const c = text.charCodeAt(i);
      const kind = c < 128 ? (ASCII_KIND[c] as number) : c === 160 ? SPACE : NON_ASCII;
      if (kind === SPACE) {
        if (start >= 0) {
          this.token(text, start, i, ascii);
          start = -1;
        }
        continue;
      }
      if (start < 0) {
        start = i;
        ascii = true;
      }
      if (kind === OTHER) continue;
      if (kind === NON_ASCII) ascii = false;
      else if (kind === EXCLAMATION) exclamations++;
      else questions++;
    }
    if (start >= 0) this.token(text, start, length, ascii);
    this.exclamations = exclamations;
    this.questions = questions;
  }

  /** {@link read} of ASCII text given as its bytes (read faster than the string's characters). */
  private readBytes(bytes: Uint8Array, length: number): void {
    this.count = 0;
    let exclamations = 0;
    let questions = 0;
    let start = -1;
    for (let i = 0; i < length; i++) {
      const kind = ASCII_KIND[bytes[i] as number] as number;
      if (kind === SPACE) {
        if (start >= 0) {
          this.asciiToken(bytes, start, i);
          start = -1;
        }
        continue;
      }
      if (start < 0) start = i;
      if (kind === EXCLAMATION) exclamations++;
      else if (kind === QUESTION) questions++;
    }
    if (start >= 0) this.asciiToken(bytes, start, length);
    this.exclamations = exclamations;
    this.questions = questions;
  }

  /** {@link token} of an ASCII token given as bytes. */
  private asciiToken(bytes: Uint8Array, start: number, end: number): void {
    let s = start;
    let e = end;
    while (s < e && PUNCTUATION[bytes[s] as number] === 1) s++;
    while (e > s && PUNCTUATION[bytes[e - 1] as number] === 1) e--;
    if (e - s <= 2) {
      s = start;
      e = end;
    }
    if (this.count === this.ids.length) this.grow();
    const at = this.count++;
    let hash = HASH_SEED;
    let capitals = false;
    let small = false;
    let contraction = false;
    for (let i = s; i < e; i++) {
      let c = bytes[i] as number;
      if (c >= 65 && c <= 90) {
        capitals = true;
        c += 32;
      } else if (c >= 97 && c <= 122) small = true;
      else if (c === 39 && i > s && i + 1 < e && ((bytes[i - 1] as number) | 32) === 110 && ((bytes[i + 1] as number) | 32) === 116) {
        contraction = true;
      }
      hash = hashStep(hash, c);
    }
    const tables = this.tables;
    const id = tables.vocabulary.idOfBytes(bytes, s, e, hash);
    this.ids[at] = id;
    this.upper[at] = capitals && !small ? 1 : 0;
    this.negation[at] = id >= 0 ? (tables.negation[id] as number) : contraction ? 1 : 0;
  }

  private token(text: string, start: number, end: number, ascii: boolean): void {
    let s = start;
    let e = end;
    while (s < e && text.charCodeAt(s) < 128 && PUNCTUATION[text.charCodeAt(s)] === 1) s++;
    while (e > s && text.charCodeAt(e - 1) < 128 && PUNCTUATION[text.charCodeAt(e - 1)] === 1) e--;
    if (e - s <= 2) {
      s = start;
      e = end;
    }
    if (this.count === this.ids.length) this.grow();
    const at = this.count++;
    const tables = this.tables;
    if (!ascii) {
      const raw = text.slice(s, e);
      const token = EMOJI_AS_EMOTICON.get(raw) ?? raw;
      const lower = token.toLowerCase();
      const id = tables.vocabulary.idOf(lower);
      this.ids[at] = id;
      this.upper[at] = isUpper(token) ? 1 : 0;
      this.negation[at] = id >= 0 ? (tables.negation[id] as number) : lower.includes("n't") ? 1 : 0;
      return;
    }
    let hash = HASH_SEED;
    let capitals = false;
    let small = false;
    let contraction = false;
    for (let i = s; i < e; i++) {
      let c = text.charCodeAt(i);
      if (c >= 65 && c <= 90) {
        capitals = true;
        c += 32;
      } else if (c >= 97 && c <= 122) small = true;
      else if (c === 39 && i > s && i + 1 < e && (text.charCodeAt(i - 1) | 32) === 110 && (text.charCodeAt(i + 1) | 32) === 116) {
        contraction = true;
      }
      hash = hashStep(hash, c);
    }
    const id = tables.vocabulary.idOfRange(text, s, e, hash);
    this.ids[at] = id;
    this.upper[at] = capitals && !small ? 1 : 0;
    this.negation[at] = id >= 0 ? (tables.negation[id] as number) : contraction ? 1 : 0;
  }

  private grow(): void {
    const size = this.ids.length * 2;
    const ids = new Int32Array(size);
    const upper = new Uint8Array(size);
    const negation = new Uint8Array(size);
    ids.set(this.ids);
    upper.set(this.upper);
    negation.set(this.negation);
    this.ids = ids;
    this.upper = upper;
    this.negation = negation;
  }
}

/**
 * VADER (Hutto & Gilbert 2014) compound score: lexicon valence adjusted by boosters/dampeners within three words,
 * negation within three words (×−0.74), "no" before a rated word, ALL-CAPS emphasis in mixed-case text, "least",
 * "kind of", idioms, the "but" shift (before ×0.5, after ×1.5), and "!"/"?" amplification; emoji map onto emoticons;
 * sarcastic thanks turn a positive score negative.
 * The lexicon is VADER's combined with AFINN's and extended with the regular derived forms of their words
 * (`sentimentLexicon`). Tokens are looked up once in a vocabulary built from the lexicon and the rule words at start;
 * the rules then compare and index integer ids, with no string built per token.
 */
export function createSentimentScorer(lexicon: ReadonlyMap<string, number> = sentimentLexicon()): SentimentScorer {
  const vader = vaderRules([lexicon]);
  const compound = (text: string): number => {
    vader.read(text);
    const value = vader.compound();
    return withSarcasm(value, value > 0 && vader.thanked() && SARCASTIC_THANKS.test(text));
  };
  return {
    compound,
    score: (text: string): Sentiment => {
      const value = compound(text);
      return { compound: value, label: labelOf(value) };
    },
  };
}

/**
 * The compound score of a text under each of several lexicons, the text read once: for comparing lexicons (the
 * evaluation's weight grid) at the cost of the rules alone per lexicon. The same scores as {@link createSentimentScorer}.
 */
export function createLexiconComparison(lexicons: readonly ReadonlyMap<string, number>[]): (text: string) => number[] {
  const vader = vaderRules(lexicons);
  return (text: string): number[] => {
    vader.read(text);
    const sarcastic = vader.thanked() && SARCASTIC_THANKS.test(text);
    return lexicons.map((_, k) => {
      vader.use(k);
      return withSarcasm(vader.compound(), sarcastic);
    });
  };
}

interface VaderRules {
  /** Reads a text's tokens. */
  read(text: string): void;
  /** Scores with the k-th lexicon from now on (the first until told). */
  use(k: number): void;
  /** The compound score of the text last read. */
  compound(): number;
  /** Whether the text last read has "thank" or "thanks" among its words. */
  thanked(): boolean;
}

function vaderRules(lexicons: readonly ReadonlyMap<string, number>[]): VaderRules {
  const t = new VaderTables(lexicons);
  const tokens = new VaderTokens(t);
  const { boost, inIdiom } = t;
  let rated = t.rated[0] as Uint8Array;
  let lexiconValence = t.valence[0] as Float64Array;
  const ID = t.id;

  const scalarIncDec = (index: number, valence: number, capDiff: boolean): number => {
    const id = tokens.ids[index] as number;
    if (id < 0) return 0;
    let scalar = boost[id] as number;
    if (scalar === 0) return 0;
    if (valence < 0) scalar = -scalar;
    if (capDiff && tokens.upper[index] === 1) scalar += valence > 0 ? C_INCR : -C_INCR;
    return scalar;
  };

  const negationCheck = (valence: number, startI: number, i: number): number => {
    const ids = tokens.ids;
    const neg = tokens.negation;
    const w1 = ids[i - 1] as number;
    if (startI === 0) return neg[i - 1] === 1 ? valence * N_SCALAR : valence;
    const w2 = ids[i - 2] as number;
    if (startI === 1) {
      if (w2 === ID.never && (w1 === ID.so || w1 === ID.this)) return valence * 1.25;
      if (w2 === ID.without && w1 === ID.doubt) return valence;
      return neg[i - 2] === 1 ? valence * N_SCALAR : valence;
    }
    const w3 = ids[i - 3] as number;
    if (w3 === ID.never && (w2 === ID.so || w2 === ID.this || w1 === ID.so || w1 === ID.this)) return valence * 1.25;
    if (w3 === ID.without && (w2 === ID.doubt || w1 === ID.doubt)) return valence;
    return neg[i - 3] === 1 ? valence * N_SCALAR : valence;
  };

  const idiomWord = (id: number): boolean => id >= 0 && inIdiom[id] === 1;

  /** Only called with i ≥ 3. Most windows hold no idiom word at all and return at once. */
  const idiomsCheck = (valence: number, i: number): number => {
    const ids = tokens.ids;
    const n = tokens.count;
    const w0 = ids[i] as number;
    const w1 = ids[i - 1] as number;
    const w2 = ids[i - 2] as number;
    const w3 = ids[i - 3] as number;
    const next1 = n - 1 > i ? (ids[i + 1] as number) : -1;
    const next2 = n - 1 > i + 1 ? (ids[i + 2] as number) : -1;
    if (!idiomWord(w1) && !idiomWord(w2) && !(idiomWord(w0) && idiomWord(next1))) return valence;
    const found =
      t.idiom2(w1, w0) ?? t.idiom3(w2, w1, w0) ?? t.idiom2(w2, w1) ?? t.idiom3(w3, w2, w1) ?? t.idiom2(w3, w2);
    if (found !== undefined) valence = found;
    if (next1 >= 0) valence = t.idiom2(w0, next1) ?? valence;
    if (next2 >= 0) valence = t.idiom3(w0, next1, next2) ?? valence;
    // Multi-word boosters ("kind of", "sort of", "just enough") are two words: only the pairs can match.
    return valence + t.booster2(w3, w2) + t.booster2(w2, w1);
  };

  const valenceAt = (i: number, capDiff: boolean): number => {
    const ids = tokens.ids;
    const n = tokens.count;
    const item = ids[i] as number;
    if (item < 0 || rated[item] === 0) return 0;
    const ratedValence = lexiconValence[item] as number;
    let valence = ratedValence;
    const isRated = (index: number): boolean => {
      const id = ids[index] as number;
      return id >= 0 && rated[id] === 1;
    };
    if (item === ID.no && i !== n - 1 && isRated(i + 1)) valence = 0;
    if (
      (i > 0 && ids[i - 1] === ID.no) ||
      (i > 1 && ids[i - 2] === ID.no) ||
      (i > 2 && ids[i - 3] === ID.no && (ids[i - 1] === ID.or || ids[i - 1] === ID.nor))
    ) {
      valence = ratedValence * N_SCALAR;
    }
    if (capDiff && tokens.upper[i] === 1) valence += valence > 0 ? C_INCR : -C_INCR;
    for (let startI = 0; startI < 3; startI++) {
      const before = i - (startI + 1);
      if (before >= 0 && !isRated(before)) {
        let scalar = scalarIncDec(before, valence, capDiff);
        if (startI === 1 && scalar !== 0) scalar *= 0.95;
        if (startI === 2 && scalar !== 0) scalar *= 0.9;
        valence += scalar;
        valence = negationCheck(valence, startI, i);
        if (startI === 2) valence = idiomsCheck(valence, i);
      }
    }
    // "least" flips the valence unless it reads "at least" / "very least".
    if (i > 1 && !isRated(i - 1) && ids[i - 1] === ID.least) {
      if (ids[i - 2] !== ID.at && ids[i - 2] !== ID.very) valence *= N_SCALAR;
    } else if (i > 0 && !isRated(i - 1) && ids[i - 1] === ID.least) {
      valence *= N_SCALAR;
    }
    return valence;
  };

  const compound = (): number => {
    const n = tokens.count;
    if (n === 0) return 0;
    const ids = tokens.ids;
    let upper = 0;
    for (let i = 0; i < n; i++) upper += tokens.upper[i] as number;
    const capDiff = upper > 0 && upper < n;
    let butIndex = -1;
    for (let i = 0; i < n; i++) {
      if (ids[i] === ID.but) {
        butIndex = i;
        break;
      }
    }
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const id = ids[i] as number;
      if (id < 0) continue;
      if (boost[id] !== 0 || (id === ID.kind && i < n - 1 && ids[i + 1] === ID.of)) continue;
      const s = valenceAt(i, capDiff);
      sum += butIndex < 0 ? s : i < butIndex ? s * 0.5 : i > butIndex ? s * 1.5 : s;
    }
    if (sum === 0) return 0;
    const questions = tokens.questions;
    let amplifier = Math.min(tokens.exclamations, 4) * 0.292;
    if (questions > 1) amplifier += questions <= 3 ? questions * 0.18 : 0.96;
    sum += sum > 0 ? amplifier : -amplifier;
    return Math.round(normalize(sum) * 10000) / 10000;
  };

  return {
    read: (text: string): void => tokens.read(text),
    use: (k: number): void => {
      rated = t.rated[k] as Uint8Array;
      lexiconValence = t.valence[k] as Float64Array;
    },
    compound,
    thanked: (): boolean => {
      const { ids, count } = tokens;
      const [thank, thanks] = t.thanks;
      for (let i = 0; i < count; i++) if (ids[i] === thank || ids[i] === thanks) return true;
      return false;
    },
  };
}
