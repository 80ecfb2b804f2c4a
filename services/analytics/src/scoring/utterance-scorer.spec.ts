import { sharedUtteranceScorer } from './utterance-scorer';
import { createSentimentScorer } from './sentiment';

describe('UtteranceScorer', () => {
  const scorer = sharedUtteranceScorer();
  const sentiment = createSentimentScorer();

  it.each([
    ['what colour is your underwear today?', 'sexual_harassment'],
    ['you are useless', 'insult'],
    ['You idiot.', 'insult'],
    ['I will find you and hurt you', 'threat'],
    ['f.u.c.k you', 'profanity'],
    ['fuuuuck you', 'profanity'],
  ])('flags %j as %s', (text, category) => {
    const result = scorer.score(text);
    expect(result.abusive.detected).toBe(true);
    expect(result.abusive.categories).toContain(category);
  });

  it.each(['my card was blocked yesterday', 'can you tell me my balance please', 'I need to change my address'])(
    'leaves the request %j alone',
    (text) => {
      const result = scorer.score(text);
      expect(result.abusive.detected).toBe(false);
      expect(result.smallTalk.detected).toBe(false);
    },
  );

  it('recognises gratitude and small talk', () => {
    expect(scorer.score("couldn't have done it without you").gratitude.detected).toBe(true);
    expect(scorer.score('thanks so much!').gratitude.detected).toBe(true);
    expect(scorer.score('hi, how are you doing today?').smallTalk.detected).toBe(true);
    expect(scorer.score('tell me a joke').smallTalk.detected).toBe(true);
  });

  it.each(['thanks for nothing', 'Yeah, thanks for absolutely nothing.', 'Oh great, thanks for wasting my time.', 'No thanks, I do not need that.',
    'Thanks but no thanks.', "I don't want to thank you for this mess", 'I will not thank you for that'])(
    'does not take the no-thanks %j for gratitude',
    (text) => expect(scorer.score(text).gratitude.detected).toBe(false),
  );

  it.each(['thanks for nothing', 'umm, well, thanks for nothing.', 'Oh great, thanks for wasting my time.', 'Thank you so much for nothing, I am still waiting',
    'Thanks for ruining my weekend'])(
    'scores the sarcastic thanks %j as negative',
    (text) => {
      expect(sentiment.score(text).label).toBe('negative');
      expect(scorer.score(text).sentiment.label).toBe('negative');
    },
  );

  it('leaves sincere thanks positive, and the score of sarcasm that is negative already as it is', () => {
    expect(sentiment.score('Thank you for nothing less than a miracle').label).toBe('positive');
    expect(sentiment.score('thanks so much!').label).toBe('positive');
    expect(sentiment.compound('thanks for nothing, you idiots')).toBeLessThan(sentiment.compound('thanks for nothing'));
  });

  it.each(["I can't thank you enough", 'Thank you for nothing less than a miracle', 'no no, thank YOU!', 'Thanks, nothing else for now.'])(
    'still hears the gratitude in %j',
    (text) => expect(scorer.score(text).gratitude.detected).toBe(true),
  );

  it.each(['Okay, thanks.', 'Great, thank you, bye!', "No, that's all, thanks", 'Thanks, nothing else for now.', 'thank you. Have a nice day!', 'Right, thanks again.'])(
    'hears the courtesy thanks %j as gratitude but not as kudos',
    (text) => {
      const score = scorer.score(text);
      expect(score.gratitude.detected).toBe(true);
      expect(scorer.isKudos(text, score)).toBe(false);
    },
  );

  it.each(['Thank you so much!', 'Thanks, Hugo.', 'thanks a lot', 'Okay, thanks for sorting it out so quickly.', "I can't thank you enough", 'You have been a star'])(
    'passes %j on as kudos',
    (text) => expect(scorer.isKudos(text, scorer.score(text))).toBe(true),
  );

  it('sends no kudos for thanks wrapped in abuse, nor for text without thanks', () => {
    for (const text of ['Thanks, you stupid idiot.', 'my card was blocked yesterday']) expect(scorer.isKudos(text, scorer.score(text))).toBe(false);
  });

  it('applies the VADER heuristics', () => {
    const good = sentiment.compound('The service is good');
    expect(good).toBeGreaterThan(0);
    expect(sentiment.compound('The service is not good')).toBeLessThan(0);
    expect(sentiment.compound('The service is very good')).toBeGreaterThan(good);
    expect(sentiment.compound('The service is GOOD')).toBeGreaterThan(good);
    expect(sentiment.compound('The service is good!!!')).toBeGreaterThan(good);
    expect(sentiment.compound('The service is kind of good')).toBeLessThan(good);
    expect(sentiment.compound('The food was great but the service was horrible')).toBeLessThan(0);
    expect(sentiment.compound('I love it 😍')).toBeGreaterThan(sentiment.compound('I love it'));
    expect(sentiment.compound('and he said yeah right')).toBeLessThan(0);
    expect(sentiment.score('the parcel arrived on tuesday')).toEqual({ compound: 0, label: 'neutral' });
  });
});
