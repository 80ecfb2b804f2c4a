import type { Sentiment } from '@switchboard/contracts';
import { loadAbuseRows, loadIntents } from '../evaluation/data-files';
import { AbuseDetector, type AbuseVerdict } from './abuse-detector';
import { IntentClassifier, isCourtesyThanks } from './intent-classifier';
import { createSentimentScorer, type SentimentScorer } from './sentiment';
import { Vocabulary } from './vocabulary';
import { WordSequence } from './words';

export interface UtteranceScore {
  sentiment: Sentiment;
  abusive: AbuseVerdict;
  gratitude: { detected: boolean };
  smallTalk: { detected: boolean };
}

/** Shared (frozen) flags instead of two objects per utterance. */
const DETECTED: { detected: boolean } = Object.freeze({ detected: true });
const NOT_DETECTED: { detected: boolean } = Object.freeze({ detected: false });

/** Pure, synchronous scoring of one utterance; the same instance serves HTTP and the event consumer. */
export class UtteranceScorer {
  private readonly words: WordSequence;

  /** `vocabulary`: the one both models were trained with, so that the text's words are read once for both. */
  constructor(
    private readonly sentiment: SentimentScorer,
    private readonly abuse: AbuseDetector,
    private readonly intents: IntentClassifier,
    vocabulary: Vocabulary,
  ) {
    this.words = new WordSequence(vocabulary);
  }

  score(text: string): UtteranceScore {
    const words = this.words.read(text);
    const intent = this.intents.classify(text, words);
    return {
      sentiment: this.sentiment.score(text),
      abusive: this.abuse.detect(text, words),
      gratitude: intent.gratitude ? DETECTED : NOT_DETECTED,
      smallTalk: intent.smallTalk ? DETECTED : NOT_DETECTED,
    };
  }

  /**
   * Whether a scored utterance is praise to pass on to the agent as kudos: gratitude, not wrapped in abuse (an insult is
   * not praise), and more than the courtesy thanks that closes a routine contact ("Okay, thanks.").
   */
  isKudos(text: string, score: UtteranceScore): boolean {
    return score.gratitude.detected && !score.abusive.detected && !isCourtesyThanks(text);
  }
}

let shared: UtteranceScorer | undefined;

/** Builds (once per process) the scorer from the lexicon package and the labelled data beside the repository. */
export function sharedUtteranceScorer(): UtteranceScorer {
  if (shared === undefined) {
    const vocabulary = new Vocabulary();
    shared = new UtteranceScorer(
      createSentimentScorer(),
      new AbuseDetector(loadAbuseRows(), vocabulary),
      new IntentClassifier(loadIntents(), vocabulary),
      vocabulary,
    );
  }
  return shared;
}
