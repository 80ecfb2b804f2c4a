import { Injectable } from '@nestjs/common';
import { sharedUtteranceScorer, type UtteranceScorer } from './utterance-scorer';

/** Builds the scorer once at start (lexicon load and model training take a few seconds). */
@Injectable()
export class ScorerProvider {
  readonly scorer: UtteranceScorer = sharedUtteranceScorer();
}
