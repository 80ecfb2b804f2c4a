import { AbuseDetector } from '../scoring/abuse-detector';
import { IntentClassifier } from '../scoring/intent-classifier';
import { createSentimentScorer } from '../scoring/sentiment';
import { sentimentLexicon } from '../scoring/vader-lexicon';
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

/** The AFINN weights tried (see `AFINN_WEIGHT`); 0 is VADER's lexicon alone. */
export const AFINN_WEIGHT_GRID = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5] as const;

interface RatedCorpus {
  corpus: SentimentCorpus;
  truth: number[];
  /** Compound score of each text per weight of the grid. */
  predicted: number[][];
}

let rated: RatedCorpus[] | undefined;

/** Every rated text scored with every weight of the grid (once per process: scoring is deterministic). */
function ratedCorpora(): RatedCorpus[] {
  rated ??= scoreRatedCorpora();
  return rated;
}

function scoreRatedCorpora(): RatedCorpus[] {
  const scorers = AFINN_WEIGHT_GRID.map((weight) => createSentimentScorer(sentimentLexicon(weight)));
  return (Object.keys(SENTIMENT_CORPORA) as SentimentCorpus[]).map((corpus) => {
    const rows = loadSentimentCorpus(corpus);
    return {
      corpus,
      truth: rows.map((row) => row.rating),
      predicted: scorers.map((scorer) => rows.map((row) => scorer.compound(row.text))),
    };
  });
}

/** The grid index with the best mean correlation over the corpora, counting only the texts `use` accepts. */
function bestWeight(corpora: readonly RatedCorpus[], use: (index: number) => boolean): number {
  let best = 0;
  let bestScore = -Infinity;
  AFINN_WEIGHT_GRID.forEach((_, w) => {
    let score = 0;
    for (const { truth, predicted } of corpora) {
      const keep = truth.map((_t, i) => i).filter(use);
      score += pearson(
        keep.map((i) => truth[i] as number),
        keep.map((i) => (predicted[w] as number[])[i] as number),
      );
    }
    if (score > bestScore) {
      bestScore = score;
      best = w;
    }
  });
  return best;
}

/** The AFINN weight chosen on every rated text of the three corpora (the production choice, `AFINN_WEIGHT`). */
export function chooseAfinnWeight(): number {
  return AFINN_WEIGHT_GRID[bestWeight(ratedCorpora(), () => true)] as number;
}

/**
 * Correlation with the human mean and 3-class F1 per corpus, out of fold: the texts of every corpus are split into
 * `folds` folds (by position), and each fold is scored with the AFINN weight that does best (mean correlation over the
 * three corpora) on the other folds, so that no reported text helped choose the weight it is scored with. Also the
 * figures of VADER's lexicon alone (weight 0), for comparison.
 */
export function sentimentQuality(folds = 5): (SentimentQuality & { weights: number[]; vaderLexiconOnly: { correlation: number; f1: number } })[] {
  const corpora = ratedCorpora();
  const chosen = Array.from({ length: folds }, (_, fold) => bestWeight(corpora, (i) => i % folds !== fold));
  return corpora.map(({ corpus, truth, predicted }) => {
    const outOfFold = truth.map((_t, i) => (predicted[chosen[i % folds] as number] as number[])[i] as number);
    return {
      corpus,
      size: truth.length,
      correlation: pearson(truth, outOfFold),
      f1: weightedF1(truth.map(threeClass), outOfFold.map(threeClass)),
      weights: chosen.map((w) => AFINN_WEIGHT_GRID[w] as number),
      vaderLexiconOnly: {
        correlation: pearson(truth, predicted[0] as number[]),
        f1: weightedF1(truth.map(threeClass), (predicted[0] as number[]).map(threeClass)),
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
