import { NaiveBayes } from './naive-bayes';
import { SARCASTIC_THANKS } from './thanks';
import { Vocabulary } from './vocabulary';
import { WordSequence } from './words';

/**
 * Gratitude and praise phrases. Words and phrases collected from the CLINC150 `thank_you` TRAIN examples that the
 * learned model misses, plus "couldn't have done it without you" from the product brief.
 */
export const GRATITUDE =
  /\b(thanks?|thank(ful|s)|thx|ty|cheers|appreciated?|appreciate it|grateful|gratitude|obliged|gracias|merci|danke|helpful|great help|big help|you helped|owe you one|good job|great job|well done|good looking out|so (kind|nice|sweet)|couldn'?t have done it without you|you'?(re| are|ve been) (a star|great|amazing|wonderful|awesome|the best|a lifesaver|so helpful|a doll))\b/i;

/**
 * Thanks that are no thanks: refusals ("no thanks", "thanks but no thanks"), sarcasm ({@link SARCASTIC_THANKS}) and
 * thanks denied ("I won't thank you for this"). They carry the words of gratitude, so the model and {@link GRATITUDE}
 * take them for it; an agent must not be sent one as kudos.
 */
export const NOT_GRATITUDE = new RegExp(
  String.raw`\bno,?\s+(thanks|thx|ty)\b|${SARCASTIC_THANKS.source}|\b(don'?t|do not|won'?t|will not|not going to|never)\s+(want to\s+|going to\s+|gonna\s+)?thank\b`,
  'i',
);

/** The words around a courtesy thanks: acknowledgements, "that's all", goodbyes. */
const COURTESY_WORDS =
  "ok(?:ay)?|alright|all right|right|great|good|fine|perfect|cool|lovely|sure|yes|yeah|yep|no|nope|then|again|you too|bye(?: for now)?|goodbye" +
  "|(?:that'?s|that is) (?:all|it|everything)(?: for (?:now|today))?|nothing else(?: for (?:now|today))?" +
  '|have a (?:nice|good|great) (?:day|one|evening|weekend)';
/**
 * A courtesy thanks: a bare "thanks" or "thank you", alone or with the acknowledgements and goodbyes that close a
 * routine contact ("Okay, thanks.", "Great, thank you, bye!", "No, that's all, thanks"). It is gratitude, and is scored as
 * such, but it is no praise worth passing on as kudos; thanks with anything more ("thank you so much", "thanks for
 * sorting it out", a name) is.
 */
const COURTESY_THANKS = new RegExp(
  `^(?:[\\s,.!;:-]*(?:${COURTESY_WORDS})\\b)*[\\s,.!;:-]*(?:thanks|thank you|thx|ty|cheers)\\b(?:[\\s,.!;:-]*(?:${COURTESY_WORDS})\\b)*[\\s,.!;:-]*$`,
  'i',
);
/** Longer than this, an utterance is more than a courtesy thanks (and the expression is not run on it). */
const COURTESY_MAX_LENGTH = 100;

/** Whether `text` is a courtesy thanks (see {@link COURTESY_THANKS}). */
export function isCourtesyThanks(text: string): boolean {
  return text.length <= COURTESY_MAX_LENGTH && COURTESY_THANKS.test(text);
}

/**
 * Cue words of {@link GRATITUDE} (see {@link Vocabulary.cue}): every alternative holds one of `alone` as a whole word,
 * or one of `paired` together with one of `partners` ("great help", "you're amazing"), so that a common word such as
 * "great" or "best" alone does not run the expression.
 */
export const GRATITUDE_CUES: { readonly alone: readonly string[]; readonly paired: readonly string[]; readonly partners: readonly string[] } = {
  alone: ['thanks', 'thank', 'thankful', 'thx', 'ty', 'cheers', 'appreciated', 'appreciate', 'grateful', 'gratitude', 'obliged', 'gracias', 'merci', 'danke', 'helpful'],
  paired: ['help', 'helped', 'owe', 'job', 'done', 'looking', 'kind', 'nice', 'sweet', 'without', 'star', 'great', 'amazing', 'wonderful', 'awesome', 'best', 'lifesaver', 'doll'],
  partners: ['great', 'big', 'you', 'good', 'well', 'so', 'youre', 'youve'],
};

export interface IntentTrainingData {
  train: readonly (readonly [string, string])[];
  smallTalkIntents: ReadonlySet<string>;
}

export interface IntentVerdict {
  smallTalk: boolean;
  gratitude: boolean;
}

/** The four possible verdicts, shared (frozen) instead of built per call; index: small talk × 2 + gratitude. */
const VERDICTS: readonly IntentVerdict[] = [
  Object.freeze({ smallTalk: false, gratitude: false }),
  Object.freeze({ smallTalk: false, gratitude: true }),
  Object.freeze({ smallTalk: true, gratitude: false }),
  Object.freeze({ smallTalk: true, gratitude: true }),
];

/**
 * 150-intent multinomial naive Bayes (α = 0.1) trained on the CLINC150 train split: an utterance is small talk when its
 * most probable intent belongs to the `small_talk` domain, gratitude when that intent is `thank_you` or a gratitude
 * phrase occurs, unless the thanks are no thanks ({@link NOT_GRATITUDE}).
 */
export class IntentClassifier {
  private readonly model: NaiveBayes;
  private readonly smallTalk: Uint8Array;
  private readonly thankYou: number;
  private readonly words: WordSequence;
  /** The vocabulary's cue bits of {@link GRATITUDE_CUES}. */
  private readonly gratitudeAlone: number;
  private readonly gratitudePaired: number;
  private readonly gratitudePartners: number;

  /** `vocabulary` may be shared with other models so that one {@link WordSequence} of a text serves them all. */
  constructor(data: IntentTrainingData, vocabulary = new Vocabulary()) {
    this.model = NaiveBayes.train(
      data.train.map(([text, label]) => ({ text, label })),
      vocabulary,
      0.1,
    );
    this.smallTalk = Uint8Array.from(this.model.classes, (c) => (data.smallTalkIntents.has(c) ? 1 : 0));
    this.thankYou = this.model.classes.indexOf('thank_you');
    this.gratitudeAlone = vocabulary.cue(GRATITUDE_CUES.alone);
    this.gratitudePaired = vocabulary.cue(GRATITUDE_CUES.paired);
    this.gratitudePartners = vocabulary.cue(GRATITUDE_CUES.partners);
    this.words = new WordSequence(vocabulary);
  }

  /** `words`: the text's words read with this classifier's vocabulary (read here when absent). */
  classify(text: string, words: WordSequence = this.words.read(text)): IntentVerdict {
    const best = this.model.mostProbable(words);
    const cues = words.cues;
    const cued = (cues & this.gratitudeAlone) !== 0 || ((cues & this.gratitudePaired) !== 0 && (cues & this.gratitudePartners) !== 0);
    const gratitude = (best === this.thankYou || (cued && GRATITUDE.test(text))) && !NOT_GRATITUDE.test(text);
    return VERDICTS[(this.smallTalk[best] as number) * 2 + (gratitude ? 1 : 0)] as IntentVerdict;
  }
}
