import type { Sentiment } from '@switchboard/contracts';
import { loadAbuseRows, loadIntents } from '../evaluation/data-files';
import { AbuseDetector, type AbuseVerdict } from './abuse-detector';
import { IntentClassifier } from './intent-classifier';
import { words } from './naive-bayes';
import { createSentimentScorer, type SentimentScorer } from './sentiment';

export interface UtteranceScore {
  sentiment: Sentiment;
  abusive: AbuseVerdict;
  gratitude: { detected: boolean };
  smallTalk: { detected: boolean };
}

/** Pure, synchronous scoring of one utterance; the same instance serves HTTP and the event consumer. */
export class UtteranceScorer {
  constructor(
    private readonly sentiment: SentimentScorer,
    private readonly abuse: AbuseDetector,
    private readonly intents: IntentClassifier,
  ) {}

  score(text: string): UtteranceScore {
    const textWords = words(text);
    const intent = this.intents.classify(text, textWords);
    return {
      sentiment: this.sentiment.score(text),
      abusive: this.abuse.detect(text, textWords),
      gratitude: { detected: intent.gratitude },
      smallTalk: { detected: intent.smallTalk },
    };
  }
}

let shared: UtteranceScorer | undefined;

/** Builds (once per process) the scorer from the lexicon package and the labelled data beside the repository. */
export function sharedUtteranceScorer(): UtteranceScorer {
  shared ??= new UtteranceScorer(
    createSentimentScorer(),
    new AbuseDetector(loadAbuseRows()),
    new IntentClassifier(loadIntents()),
  );
  return shared;
}
