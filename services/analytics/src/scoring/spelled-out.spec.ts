import { loadAbuseRows, loadIntents, loadSentimentCorpus } from '../evaluation/data-files';
import { hasSpelledOut, SPELLED_OUT } from './abuse-detector';

describe('spelled-out letters', () => {
  it('are found exactly where the regular expression finds them', () => {
    const crafted = [
      'f.u.c.k you', 's h i t', 'F U C K', 'a_b_c d', 'x.y.z', "'a b c", 'é a b c', 'a b c_', 'a b c1', '1a b c', '_a b c',
      'a b', 'a  b c', 'a\u00a0b\u00a0c', 'a\u2028b c', 'a\ufeffb-c', 'ab c d e', 'a b cd', 'a b c d', 'x*y*z!', 'K.a.ſ', 'a.b.c',
      'ok a-b-c-d-e-f-g', 'go to a b c.', 'a\tb\nc', 'a b\u00e9c d e', '',
    ];
    const texts = [
      ...crafted,
      ...loadAbuseRows().map((row) => row.text),
      ...loadIntents().val.map(([text]) => text),
      ...loadSentimentCorpus('amazon').map((row) => row.text),
    ];
    const differing = texts.filter((text) => hasSpelledOut(text) !== SPELLED_OUT.test(text));
    expect(differing).toEqual([]);
    expect(texts.filter(hasSpelledOut).length).toBeGreaterThan(10);
  });
});
