import { loadAbuseRows, loadIntents, loadSentimentCorpus } from '../evaluation/data-files';
import { ABUSE_PATTERNS } from './abuse-detector';
import { GRATITUDE, GRATITUDE_CUES } from './intent-classifier';
import { Vocabulary } from './vocabulary';
import { WordSequence } from './words';

/**
 * A pattern is skipped when the text's words lack its cues (for the abuse patterns, a cue and a partner; for gratitude,
 * a word that thanks alone or a paired word with a partner): that must never skip a text it matches.
 */
describe('cue words of the scorer patterns', () => {
  const vocabulary = new Vocabulary();
  for (const [text] of loadIntents().train) for (const word of text.toLowerCase().split(/\s+/)) vocabulary.add(word);
  const cued = (words: readonly string[]): ((cues: number) => boolean) => {
    const bit = vocabulary.cue(words);
    return (cues) => (cues & bit) !== 0;
  };
  /** Each pattern with what the text's cue bits must show for it to run, and the bits of its cue words proper. */
  const patterns = [
    ...ABUSE_PATTERNS.map(({ pattern, cues, partners }) => {
      const [cue, partner] = [cued(cues), cued(partners)];
      return { pattern, runs: (bits: number) => cue(bits) && partner(bits), cueWords: cues };
    }),
    (() => {
      const [alone, paired, partners] = [cued(GRATITUDE_CUES.alone), cued(GRATITUDE_CUES.paired), cued(GRATITUDE_CUES.partners)];
      return { pattern: GRATITUDE, runs: (bits: number) => alone(bits) || (paired(bits) && partners(bits)), cueWords: [...GRATITUDE_CUES.alone, ...GRATITUDE_CUES.paired] };
    })(),
  ];
  const cueMask = vocabulary.cue(patterns.flatMap(({ cueWords }) => cueWords));
  const words = new WordSequence(vocabulary);

  const crafted = [
    "you're useless", 'YOU ARE AN IDIOT!!', 'you_useless', "I'll find you", 'shut up', 'watch your back',
    'what colour is your underwear today?', 'send me nudes', 'you sound so sexy', "you've been a star", 'thx', "couldn't have done it without you",
    "café you're useless", 'yóu are stupid', "you're so hot", 'i want to see you', "d'you want to sit on my lap",
    'ur so stupid', 'your such a loser', 'get a real job', 'you people are idiots', "i'll get u", 'kill yourself', "you'd better watch out",
    'i know where you live', "you'll pay for this", 'send nudes', 'ur body is hot', 'have sex with me', "you're sexy", 'sit on my face',
    'great help', 'big help', 'you helped', 'i owe you one', 'good job', 'well done', 'good looking out', 'so kind', 'youre amazing',
    'youve been great', "you've been the best", 'you are a lifesaver', 'cheers', 'much appreciated',
  ];

  it('every labelled or crafted text a pattern matches carries one of its cues', () => {
    const texts = [
      ...crafted,
      ...loadAbuseRows().map((row) => row.text),
      ...loadIntents().val.map(([text]) => text),
      ...loadSentimentCorpus('amazon').map((row) => row.text),
    ];
    const missed: string[] = [];
    let matched = 0;
    for (const text of texts) {
      const cues = words.read(text).cues;
      for (const { pattern, runs } of patterns) {
        if (!pattern.test(text)) continue;
        matched++;
        if (!runs(cues)) missed.push(`${pattern.source.slice(0, 30)} ← ${text}`);
      }
    }
    expect(missed).toEqual([]);
    expect(matched).toBeGreaterThan(crafted.length);
  });

  it('a text without cue words skips the patterns', () => {
    expect(words.read('my card was blocked yesterday').cues & cueMask).toBe(0);
    expect(words.read('where is my parcel').cues & cueMask).toBe(0);
  });

  it('an unknown word with an apostrophe might hide a cue, so it carries every cue', () => {
    expect(words.read("zzqx'useless").cues).toBe(-1);
  });
});
