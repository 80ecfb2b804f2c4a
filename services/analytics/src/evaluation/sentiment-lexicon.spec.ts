import { createSentimentScorer } from '../scoring/sentiment';
import { derivedForms, sentimentLexicon, vaderLexicon } from '../scoring/vader-lexicon';

describe('the sentiment lexicon', () => {
  const lexicon = sentimentLexicon();

  it('derives the regular inflections and the -ly adverb by the spelling rules', () => {
    expect(derivedForms('love')).toEqual(['loves', 'loved', 'loving', 'lovely']);
    expect(derivedForms('happy')).toEqual(['happies', 'happied', 'happying', 'happily']);
    expect(derivedForms('gentle')).toEqual(['gentles', 'gentled', 'gentling', 'gently']);
    expect(derivedForms('stop')).toEqual(expect.arrayContaining(['stopped', 'stopping']));
    expect(derivedForms('tragic')).toContain('tragically');
  });

  it("keeps each rating it was given and rates derived words below their source, un- reversed", () => {
    expect(vaderLexicon().has('deftly')).toBe(false);
    expect(lexicon.get('deftly')).toBeCloseTo(0.75 * (lexicon.get('deft') as number));
    expect(lexicon.get('unconvincing')).toBeLessThan(0);
    expect(lexicon.get('lacks')).toBeLessThan(0);
    // A word both lexicons rate takes the mean of the two ratings (AFINN's on VADER's scale).
    expect(lexicon.get('good')).toBeCloseTo((1.9 + 3 * 0.8) / 2);
  });

  it('never rates a rule word: boosters and negations keep their rule', () => {
    for (const word of ['greatly', 'hardly', 'really', 'nothing']) expect(lexicon.has(word)).toBe(vaderLexicon().has(word));
    const scorer = createSentimentScorer(lexicon);
    expect(scorer.compound('the plot is greatly improved')).toBeGreaterThan(scorer.compound('the plot is improved'));
  });
});
