import { AbuseDetector } from '../scoring/abuse-detector';
import { IntentClassifier } from '../scoring/intent-classifier';
import { createSentimentScorer } from '../scoring/sentiment';
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

export function sentimentQuality(): SentimentQuality[] {
  const scorer = createSentimentScorer();
  return (Object.keys(SENTIMENT_CORPORA) as SentimentCorpus[]).map((corpus) => {
    const rows = loadSentimentCorpus(corpus);
    const predicted = rows.map((row) => scorer.compound(row.text));
    const truth = rows.map((row) => row.rating);
    return {
      corpus,
      size: rows.length,
      correlation: pearson(truth, predicted),
      f1: weightedF1(truth.map(threeClass), predicted.map(threeClass)),
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
