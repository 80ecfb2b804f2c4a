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
 * Emoji mapped onto an emoticon of the lexicon with the same meaning, so that they carry the emoticon's rated valence.
 */
export const EMOJI_AS_EMOTICON: ReadonlyMap<string, string> = new Map([
  ['🙂', ':)'], ['😊', ':)'], ['☺️', ':)'], ['😀', ':D'], ['😃', ':D'], ['😄', ':D'], ['😁', ':D'], ['😆', 'xD'],
  ['😂', ':D'], ['🤣', ':D'], ['😍', '<3'], ['🥰', '<3'], ['❤️', '<3'], ['❤', '<3'], ['💕', '<3'], ['😘', ':*'],
  ['😉', ';)'], ['😜', ';P'], ['😛', ':P'], ['👍', ':)'], ['🙏', ':)'], ['🎉', ':D'], ['😎', 'B)'],
  ['🙁', ':('], ['☹️', ':('], ['😞', ':('], ['😟', ':('], ['😔', ':('], ['😢', ":'("], ['😭', ":'("], ['😠', '>:('],
  ['😡', '>:('], ['🤬', '>:('], ['👎', ':('], ['💔', '</3'], ['😒', ':/'], ['😕', ':/'], ['😤', '>:('], ['🙄', ':/'],
]);
