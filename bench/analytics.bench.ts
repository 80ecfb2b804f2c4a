import { createRequire } from 'node:module';
import { VADER_PUBLISHED, loadSentimentCorpus, SENTIMENT_CORPORA, type SentimentCorpus } from '../services/analytics/src/evaluation/data-files';
import { abuseQuality, intentQuality, sentimentQuality } from '../services/analytics/src/evaluation/quality';
import { createSentimentScorer } from '../services/analytics/src/scoring/sentiment';
import { sharedUtteranceScorer } from '../services/analytics/src/scoring/utterance-scorer';
import { figure, rate, round, type BenchResult, type Figure } from './harness';

interface VaderPackage {
  SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } };
}

function texts(): string[] {
  return (Object.keys(SENTIMENT_CORPORA) as SentimentCorpus[]).flatMap((corpus) => loadSentimentCorpus(corpus).map((row) => row.text));
}

/** Utterances per second of `score` over `corpus`, repeated until at least `minMs` have passed (one core, one thread). */
function throughput(corpus: readonly string[], score: (text: string) => unknown, minMs = 1500): number {
  for (let i = 0; i < Math.min(2000, corpus.length); i++) score(corpus[i] as string);
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (const text of corpus) score(text);
    count += corpus.length;
    elapsed = performance.now() - start;
  }
  return rate(count, elapsed);
}

export async function run(): Promise<BenchResult> {
  const figures: Figure[] = [];
  for (const result of sentimentQuality()) {
    const published = VADER_PUBLISHED[result.corpus];
    figures.push(
      figure({ name: `sentiment ${result.corpus} correlation`, unit: 'r', value: round(result.correlation, 3), ceiling: { name: 'VADER paper', value: published.correlation }, target: { kind: 'ratio-min', value: 1 } }),
      figure({ name: `sentiment ${result.corpus} 3-class F1`, unit: 'F1', value: round(result.f1, 3), ceiling: { name: 'VADER paper', value: published.f1 }, target: { kind: 'ratio-min', value: 1 } }),
    );
  }
  const abuse = abuseQuality();
  figures.push(
    figure({ name: 'abuse balanced accuracy (5-fold, dev.csv)', unit: 'fraction', value: round(abuse.balancedAccuracy, 3), ceiling: { name: 'npm obscenity alone', value: 0.885 }, target: { kind: 'min', value: 0.9 } }),
    figure({ name: 'abuse specificity on "neither"', unit: 'fraction', value: round(abuse.specificity, 3), target: { kind: 'min', value: 0.95 } }),
  );
  const intents = intentQuality();
  figures.push(
    figure({ name: 'small talk vs request F1 (CLINC150 val)', unit: 'F1', value: round(intents.smallTalk.f1, 3), target: { kind: 'min', value: 0.9 } }),
    figure({ name: 'thank_you recall (CLINC150 val)', unit: 'fraction', value: round(intents.thankYou.recall, 3), target: { kind: 'min', value: 0.95 } }),
  );

  const corpus = texts();
  const vader = createRequire(__filename)('vader-sentiment') as VaderPackage;
  const reference = throughput(corpus.slice(0, 3000), (text) => vader.SentimentIntensityAnalyzer.polarity_scores(text));
  const sentiment = createSentimentScorer();
  const sentimentRate = throughput(corpus, (text) => sentiment.compound(text));
  const scorer = sharedUtteranceScorer();
  const fullRate = throughput(corpus, (text) => scorer.score(text));
  figures.push(
    figure({ name: 'sentiment scorer speed (one core)', unit: 'utterances/s', value: Math.round(sentimentRate), ceiling: { name: 'npm vader-sentiment', value: Math.round(reference) }, target: { kind: 'min', value: 100_000 } }),
    figure({ name: 'full utterance scorer speed (sentiment+abuse+gratitude+small talk, one core)', unit: 'utterances/s', value: Math.round(fullRate), ceiling: { name: 'npm vader-sentiment', value: Math.round(reference) }, target: { kind: 'min', value: 100_000 } }),
  );
  return { suite: 'analytics', figures };
}
