import { VADER_PUBLISHED } from './data-files';
import { LEXICON_WEIGHTS } from '../scoring/vader-lexicon';
import { abuseQuality, chooseLexiconWeights, intentQuality, sentimentQuality } from './quality';

describe('scoring quality on the shared labelled data', () => {
  it('sentiment tracks the human ratings as closely as published VADER (Hutto & Gilbert 2014, Table 4)', () => {
    for (const result of sentimentQuality()) {
      const published = VADER_PUBLISHED[result.corpus];
      // Within 0.03 of the paper on every corpus (the paper's own implementation is not the one packaged today).
      expect(result.correlation).toBeGreaterThanOrEqual(published.correlation - 0.03);
      expect(result.f1).toBeGreaterThanOrEqual(published.f1 - 0.025);
      // The extended lexicon, weighted out of fold, does not lose to VADER's lexicon alone.
      expect(result.correlation).toBeGreaterThanOrEqual(result.vaderLexiconOnly.correlation);
    }
  });

  it('the lexicon weights in production are the ones chosen on all rated texts', () => {
    expect(chooseLexiconWeights()).toEqual(LEXICON_WEIGHTS);
  });

  it('abuse: balanced accuracy ≥ 0.90 with specificity ≥ 0.95 on "neither", out of fold', () => {
    const result = abuseQuality();
    expect(result.size).toBeGreaterThan(19_000);
    expect(result.balancedAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(result.specificity).toBeGreaterThanOrEqual(0.95);
  });

  it('small talk vs request F1 ≥ 0.90 and thank_you recall ≥ 0.95 on the CLINC150 validation split', () => {
    const result = intentQuality();
    expect(result.size).toBe(3000);
    expect(result.smallTalk.f1).toBeGreaterThanOrEqual(0.9);
    expect(result.thankYou.recall).toBeGreaterThanOrEqual(0.95);
  });
});
