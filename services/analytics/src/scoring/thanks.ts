/**
 * Sarcastic thanks: "thanks for nothing", "thanks for wasting my time", "thank you for ruining my weekend". The words
 * of thanks make a lexicon score them positive; they are not (the sentiment scorer turns their score negative, and they
 * are no gratitude).
 */
export const SARCASTIC_THANKS =
  /\b(thanks?|thank you)\s+(so much\s+|a lot\s+)?for\s+(absolutely\s+|exactly\s+|precisely\s+)?(nothing(?!\s+(less|short)\b)|wasting|ruining)\b|\b(thanks?|thank you)\s+(absolutely\s+|exactly\s+)?nothing\b/i;
