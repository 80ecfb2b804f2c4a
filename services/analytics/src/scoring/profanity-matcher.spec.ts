import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import { loadAbuseRows, loadIntents, loadSentimentCorpus } from '../evaluation/data-files';
import { ProfanityMatcher } from './profanity-matcher';

describe('ProfanityMatcher', () => {
  const reference = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
  const abuse = loadAbuseRows();
  const matcher = new ProfanityMatcher();

  it('answers exactly like the obscenity matcher on every labelled abuse text, CLINC150 validation text and Amazon review snippet', () => {
    const intents = loadIntents();
    const everyday = [...intents.val.map(([text]) => text), ...loadSentimentCorpus('amazon').map((row) => row.text)];
    const texts = [...abuse.map((row) => row.text), ...everyday];
    const differing = texts.filter((text) => matcher.hasMatch(text) !== reference.hasMatch(text));
    expect(differing).toEqual([]);
    // The pre-check is what makes it fast: most everyday text never reaches obscenity's matcher.
    expect(everyday.filter((text) => !matcher.mayMatch(text)).length / everyday.length).toBeGreaterThan(0.8);
  });

  it('answers exactly like the obscenity matcher on text outside ASCII, and asks it only when a pattern may match', () => {
    const marks = ['é', '–', '’', '\u00a0', 'ü', '😀', '\ud83d', 'ſ', 'İ', '𝒻'];
    const texts = abuse.flatMap((row, i) => {
      const mark = marks[i % marks.length] as string;
      return [`${mark}${row.text}`, row.text.replace(/ /g, mark)];
    });
    texts.push('f😀ck you', 'fück', 'sh\u00edt', 'fu😀😀ck', 'bitch😀', '😀bitch', 'é fuuuuuck', 'ass–hole', 'ＦＵＣＫ you', 'café au lait');
    const differing = texts.filter((text) => matcher.hasMatch(text) !== reference.hasMatch(text));
    expect(differing).toEqual([]);
    expect(matcher.mayMatch('Un café, s’il vous plaît – merci')).toBe(false);
  });

  it.each(['f.u.c.k you', 'sh1t', '$hit happens', 'what an a$$', 'fuuuuuck', 'FUCK', 'b!tch', 'ＦＵＣＫ', 'c0ck', 'you are a |d|ot', 'di(k'])(
    'agrees on the obfuscated %p',
    (text) => expect(matcher.hasMatch(text)).toBe(reference.hasMatch(text)),
  );
});
