import { loadAbuseRows, loadIntents, loadSentimentCorpus } from '../evaluation/data-files';
import { ABUSE_PATTERNS } from './abuse-detector';
import { GRATITUDE, GRATITUDE_CUES } from './intent-classifier';
import { Vocabulary } from './vocabulary';
import { WordSequence } from './words';

/** A pattern is skipped when the text's words carry none of its cues: that must never skip a text it matches. */
describe('cue words of the scorer patterns', () => {
  const vocabulary = new Vocabulary();
  for (const [text] of loadIntents().train) for (const word of text.toLowerCase().split(/\s+/)) vocabulary.add(word);
  const patterns = [...ABUSE_PATTERNS.map(({ pattern, cues }) => ({ pattern, cues })), { pattern: GRATITUDE, cues: GRATITUDE_CUES }];
  const bits = patterns.map(({ cues }) => vocabulary.cue(cues));
  const words = new WordSequence(vocabulary);

  const crafted = [
    "you're useless", 'YOU ARE AN IDIOT!!', 'you_useless', "I'll find you", 'shut up', 'watch your back',
    'what colour is your underwear today?', 'send me nudes', 'you sound so sexy', "you've been a star", 'thx', "couldn't have done it without you",
    "café you're useless", 'yóu are stupid', "you're so hot", 'i want to see you', "d'you want to sit on my lap",
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
      patterns.forEach(({ pattern }, i) => {
        if (!pattern.test(text)) return;
        matched++;
        if ((cues & (bits[i] as number)) === 0) missed.push(`${pattern.source.slice(0, 30)} ← ${text}`);
      });
    }
    expect(missed).toEqual([]);
    expect(matched).toBeGreaterThan(crafted.length);
  });

  it('a text without cue words skips the patterns', () => {
    expect(words.read('my card was blocked yesterday').cues).toBe(0);
    expect(words.read('where is my parcel').cues).toBe(0);
  });

  it('an unknown word with an apostrophe might hide a cue, so it carries every cue', () => {
    expect(words.read("zzqx'useless").cues).toBe(-1);
  });
});
