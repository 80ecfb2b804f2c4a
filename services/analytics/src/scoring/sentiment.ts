import type { Sentiment } from '@switchboard/contracts';
import { BOOSTERS, C_INCR, IDIOMS, NEGATIONS, N_SCALAR } from './vader-constants';
import { EMOJI_AS_EMOTICON, vaderLexicon } from './vader-lexicon';

const ALPHA = 15;
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

export function normalize(score: number): number {
  const value = score / Math.sqrt(score * score + ALPHA);
  return value < -1 ? -1 : value > 1 ? 1 : value;
}

export function labelOf(compound: number): Sentiment['label'] {
  return compound >= 0.05 ? 'positive' : compound <= -0.05 ? 'negative' : 'neutral';
}

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

/** Strips leading and trailing punctuation unless that leaves two characters or fewer (emoticons such as ":)" stay). */
function stripPunctuation(token: string): string {
  let start = 0;
  let end = token.length;
  while (start < end && PUNCTUATION.has(token[start] as string)) start++;
  while (end > start && PUNCTUATION.has(token[end - 1] as string)) end--;
  if (end - start <= 2) return token;
  return start === 0 && end === token.length ? token : token.slice(start, end);
}

function isNegation(word: string): boolean {
  return NEGATIONS.has(word) || word.includes("n't");
}

export interface SentimentScorer {
  score(text: string): Sentiment;
  compound(text: string): number;
}

/**
 * VADER (Hutto & Gilbert 2014) compound score: lexicon valence adjusted by boosters/dampeners within three words,
 * negation within three words (×−0.74), "no" before a rated word, ALL-CAPS emphasis in mixed-case text, "least",
 * "kind of", idioms, the "but" shift (before ×0.5, after ×1.5), and "!"/"?" amplification; emoji map onto emoticons.
 * One pass over whitespace tokens with map lookups only.
 */
export function createSentimentScorer(lexicon: ReadonlyMap<string, number> = vaderLexicon()): SentimentScorer {
  const words: string[] = [];
  const lower: string[] = [];
  const sentiments: number[] = [];

  const tokenize = (text: string): void => {
    words.length = 0;
    lower.length = 0;
    let start = -1;
    for (let i = 0; i <= text.length; i++) {
      const c = i < text.length ? text.charCodeAt(i) : 32;
      const space = c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 160;
      if (space) {
        if (start >= 0) {
          let token = stripPunctuation(text.slice(start, i));
          const emoticon = EMOJI_AS_EMOTICON.get(token);
          if (emoticon !== undefined) token = emoticon;
          words.push(token);
          lower.push(token.toLowerCase());
          start = -1;
        }
      } else if (start < 0) start = i;
    }
  };

  const scalarIncDec = (index: number, valence: number, capDiff: boolean): number => {
    const word = lower[index] as string;
    let scalar = BOOSTERS.get(word);
    if (scalar === undefined) return 0;
    if (valence < 0) scalar = -scalar;
    if (capDiff && isUpper(words[index] as string)) scalar += valence > 0 ? C_INCR : -C_INCR;
    return scalar;
  };

  const negationCheck = (valence: number, startI: number, i: number): number => {
    const w1 = lower[i - 1] as string;
    if (startI === 0) return isNegation(w1) ? valence * N_SCALAR : valence;
    const w2 = lower[i - 2] as string;
    if (startI === 1) {
      if (w2 === 'never' && (w1 === 'so' || w1 === 'this')) return valence * 1.25;
      if (w2 === 'without' && w1 === 'doubt') return valence;
      return isNegation(w2) ? valence * N_SCALAR : valence;
    }
    const w3 = lower[i - 3] as string;
    if (w3 === 'never' && (w2 === 'so' || w2 === 'this' || w1 === 'so' || w1 === 'this')) return valence * 1.25;
    if (w3 === 'without' && (w2 === 'doubt' || w1 === 'doubt')) return valence;
    return isNegation(w3) ? valence * N_SCALAR : valence;
  };

  const idiomsCheck = (valence: number, i: number): number => {
    const w0 = lower[i] as string;
    const w1 = lower[i - 1] as string;
    const w2 = lower[i - 2] as string;
    const w3 = lower[i - 3] as string;
    const threeTwoOne = `${w3} ${w2} ${w1}`;
    const threeTwo = `${w3} ${w2}`;
    const twoOne = `${w2} ${w1}`;
    for (const sequence of [`${w1} ${w0}`, `${w2} ${w1} ${w0}`, twoOne, threeTwoOne, threeTwo]) {
      const idiom = IDIOMS.get(sequence);
      if (idiom !== undefined) {
        valence = idiom;
        break;
      }
    }
    if (lower.length - 1 > i) {
      const idiom = IDIOMS.get(`${w0} ${lower[i + 1] as string}`);
      if (idiom !== undefined) valence = idiom;
    }
    if (lower.length - 1 > i + 1) {
      const idiom = IDIOMS.get(`${w0} ${lower[i + 1] as string} ${lower[i + 2] as string}`);
      if (idiom !== undefined) valence = idiom;
    }
    for (const ngram of [threeTwoOne, threeTwo, twoOne]) {
      const boost = BOOSTERS.get(ngram);
      if (boost !== undefined) valence += boost;
    }
    return valence;
  };

  const valenceAt = (i: number, capDiff: boolean): number => {
    const item = lower[i] as string;
    const rated = lexicon.get(item);
    if (rated === undefined) return 0;
    let valence = rated;
    const n = lower.length;
    if (item === 'no' && i !== n - 1 && lexicon.has(lower[i + 1] as string)) valence = 0;
    if (
      (i > 0 && lower[i - 1] === 'no') ||
      (i > 1 && lower[i - 2] === 'no') ||
      (i > 2 && lower[i - 3] === 'no' && (lower[i - 1] === 'or' || lower[i - 1] === 'nor'))
    ) {
      valence = rated * N_SCALAR;
    }
    if (capDiff && isUpper(words[i] as string)) valence += valence > 0 ? C_INCR : -C_INCR;
    for (let startI = 0; startI < 3; startI++) {
      const before = i - (startI + 1);
      if (before >= 0 && !lexicon.has(lower[before] as string)) {
        let scalar = scalarIncDec(before, valence, capDiff);
        if (startI === 1 && scalar !== 0) scalar *= 0.95;
        if (startI === 2 && scalar !== 0) scalar *= 0.9;
        valence += scalar;
        valence = negationCheck(valence, startI, i);
        if (startI === 2) valence = idiomsCheck(valence, i);
      }
    }
    // "least" flips the valence unless it reads "at least" / "very least".
    if (i > 1 && !lexicon.has(lower[i - 1] as string) && lower[i - 1] === 'least') {
      if (lower[i - 2] !== 'at' && lower[i - 2] !== 'very') valence *= N_SCALAR;
    } else if (i > 0 && !lexicon.has(lower[i - 1] as string) && lower[i - 1] === 'least') {
      valence *= N_SCALAR;
    }
    return valence;
  };

  const compound = (text: string): number => {
    tokenize(text);
    const n = words.length;
    if (n === 0) return 0;
    let upper = 0;
    for (let i = 0; i < n; i++) if (isUpper(words[i] as string)) upper++;
    const capDiff = upper > 0 && upper < n;
    sentiments.length = 0;
    let butIndex = -1;
    for (let i = 0; i < n; i++) {
      const item = lower[i] as string;
      if (butIndex < 0 && item === 'but') butIndex = i;
      if (BOOSTERS.has(item) || (item === 'kind' && i < n - 1 && lower[i + 1] === 'of')) {
        sentiments.push(0);
        continue;
      }
      sentiments.push(valenceAt(i, capDiff));
    }
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const s = sentiments[i] as number;
      sum += butIndex < 0 ? s : i < butIndex ? s * 0.5 : i > butIndex ? s * 1.5 : s;
    }
    if (sum === 0) return 0;
    let exclamations = 0;
    let questions = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 33) exclamations++;
      else if (c === 63) questions++;
    }
    let amplifier = Math.min(exclamations, 4) * 0.292;
    if (questions > 1) amplifier += questions <= 3 ? questions * 0.18 : 0.96;
    sum += sum > 0 ? amplifier : -amplifier;
    return Math.round(normalize(sum) * 10000) / 10000;
  };

  return {
    compound,
    score: (text: string): Sentiment => {
      const value = compound(text);
      return { compound: value, label: labelOf(value) };
    },
  };
}

