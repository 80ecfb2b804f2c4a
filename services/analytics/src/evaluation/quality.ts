import { AbuseDetector } from '../scoring/abuse-detector';
import { IntentClassifier } from '../scoring/intent-classifier';
import { createLexiconComparison } from '../scoring/sentiment';
import { sentimentLexicon, type LexiconWeights } from '../scoring/vader-lexicon';
import {
  loadAbuseRows,
  loadIntents,
  loadSentimentCorpus,
  SENTIMENT_CORPORA,
  type SentimentCorpus,
} from './data-files';
import { binaryMetrics, pearson, threeClass, weightedF1, type BinaryMetrics } from './metrics';

export interface SentimentQuality {
  corpus: SentimentCorpus;
  size: number;
  correlation: number;
  f1: number;
}

/** The AFINN weights tried (see `LexiconWeights.afinn`); 0 leaves out the words only AFINN rates. */
export const AFINN_WEIGHT_GRID = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5] as const;
/** AFINN's share in the words both lexicons rate (`LexiconWeights.overlap`): VADER's rating, their mean, AFINN's. */
export const OVERLAP_GRID = [0, 0.5, 1] as const;
/** The weights of derived words tried (`LexiconWeights.derived`); 0 derives none. */
export const DERIVED_WEIGHT_GRID = [0, 0.5, 0.75, 1] as const;

/** Every combination of the three grids; the first is VADER's lexicon alone. */
export const LEXICON_WEIGHT_GRID: readonly LexiconWeights[] = AFINN_WEIGHT_GRID.flatMap((afinn) =>
  OVERLAP_GRID.flatMap((overlap) => DERIVED_WEIGHT_GRID.map((derived) => ({ afinn, overlap, derived }))),
);

interface RatedCorpus {
  corpus: SentimentCorpus;
  truth: number[];
  /** Compound score of each text per weights of the grid. */
  predicted: number[][];
}

let rated: RatedCorpus[] | undefined;

/** Every rated text scored with every weights of the grid (once per process: scoring is deterministic). */
function ratedCorpora(): RatedCorpus[] {
  rated ??= scoreRatedCorpora();
  return rated;
}

function scoreRatedCorpora(): RatedCorpus[] {
  const compounds = createLexiconComparison(LEXICON_WEIGHT_GRID.map((weights) => sentimentLexicon(weights)));
  return (Object.keys(SENTIMENT_CORPORA) as SentimentCorpus[]).map((corpus) => {
    const rows = loadSentimentCorpus(corpus);
    const predicted = LEXICON_WEIGHT_GRID.map(() => new Array<number>(rows.length));
    rows.forEach((row, i) => compounds(row.text).forEach((value, w) => ((predicted[w] as number[])[i] = value)));
    return { corpus, truth: rows.map((row) => row.rating), predicted };
  });
}

/** The grid index with the best mean correlation over the corpora, counting only the texts `use` accepts. */
function bestWeights(corpora: readonly RatedCorpus[], use: (index: number) => boolean): number {
  const kept = corpora.map(({ truth }) => truth.map((_t, i) => i).filter(use));
  let best = 0;
  let bestScore = -Infinity;
  LEXICON_WEIGHT_GRID.forEach((_, w) => {
    let score = 0;
    corpora.forEach(({ truth, predicted }, c) => {
      const keep = kept[c] as number[];
      score += pearson(
        keep.map((i) => truth[i] as number),
        keep.map((i) => (predicted[w] as number[])[i] as number),
      );
    });
    if (score > bestScore) {
      bestScore = score;
      best = w;
    }
  });
  return best;
}

/** The lexicon weights chosen on every rated text of the three corpora (the production choice, `LEXICON_WEIGHTS`). */
export function chooseLexiconWeights(): LexiconWeights {
  return LEXICON_WEIGHT_GRID[bestWeights(ratedCorpora(), () => true)] as LexiconWeights;
}

/**
 * Correlation with the human mean and 3-class F1 per corpus, out of fold: the texts of every corpus are split into
 * `folds` folds (by position), and each fold is scored with the lexicon weights that do best (mean correlation over
 * the three corpora) on the other folds, so that no reported text helped choose the weights it is scored with. Also
 * the figures of VADER's lexicon alone, for comparison. `weights` are the AFINN weights chosen per fold, `lexiconWeights`
 * all three.
 */
export function sentimentQuality(folds = 5): (SentimentQuality & {
  weights: number[];
  lexiconWeights: LexiconWeights[];
  vaderLexiconOnly: { correlation: number; f1: number };
})[] {
  const corpora = ratedCorpora();
  const chosen = Array.from({ length: folds }, (_, fold) => bestWeights(corpora, (i) => i % folds !== fold));
  const vaderOnly = LEXICON_WEIGHT_GRID.findIndex((w) => w.afinn === 0 && w.overlap === 0 && w.derived === 0);
  return corpora.map(({ corpus, truth, predicted }) => {
    const outOfFold = truth.map((_t, i) => (predicted[chosen[i % folds] as number] as number[])[i] as number);
    const alone = predicted[vaderOnly] as number[];
    return {
      corpus,
      size: truth.length,
      correlation: pearson(truth, outOfFold),
      f1: weightedF1(truth.map(threeClass), outOfFold.map(threeClass)),
      weights: chosen.map((w) => (LEXICON_WEIGHT_GRID[w] as LexiconWeights).afinn),
      lexiconWeights: chosen.map((w) => LEXICON_WEIGHT_GRID[w] as LexiconWeights),
      vaderLexiconOnly: {
        correlation: pearson(truth, alone),
        f1: weightedF1(truth.map(threeClass), alone.map(threeClass)),
      },
    };
  });
}

/**
 * The abuse corpus has no training split: the learned part is evaluated out of fold (k-fold cross-validation: each row
 * is scored by a model that never saw it).
 */
export function abuseQuality(folds = 5): BinaryMetrics & { size: number } {
  const rows = loadAbuseRows();
  const predicted: boolean[] = new Array<boolean>(rows.length);
  for (let fold = 0; fold < folds; fold++) {
    const detector = new AbuseDetector(rows.filter((_, i) => i % folds !== fold));
    for (let i = fold; i < rows.length; i += folds) predicted[i] = detector.detect((rows[i] as { text: string }).text).detected;
  }
  return { size: rows.length, ...binaryMetrics(rows.map((row) => row.abusive), predicted) };
}

export interface IntentQuality {
  size: number;
  smallTalk: BinaryMetrics;
  thankYou: BinaryMetrics;
}

/** Trained on the CLINC150 train split, measured on the validation split. */
export function intentQuality(): IntentQuality {
  const data = loadIntents();
  const classifier = new IntentClassifier(data);
  const verdicts = data.val.map(([text]) => classifier.classify(text));
  return {
    size: data.val.length,
    smallTalk: binaryMetrics(
      data.val.map(([, intent]) => data.smallTalkIntents.has(intent)),
      verdicts.map((v) => v.smallTalk),
    ),
    thankYou: binaryMetrics(
      data.val.map(([, intent]) => intent === 'thank_you'),
      verdicts.map((v) => v.gratitude),
    ),
  };
}
