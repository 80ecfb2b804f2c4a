/**
 * Rule parameters of VADER (Hutto & Gilbert, ICWSM 2014, §3 "heuristics"): booster/dampener increments, the negation
 * scalar, capitalisation emphasis, and the word lists the rules look for. The valence lexicon itself is loaded from the
 * installed `vader-sentiment` package at start (see vader-lexicon.ts).
 */
export const B_INCR = 0.293;
export const B_DECR = -0.293;
export const C_INCR = 0.733;
export const N_SCALAR = -0.74;

export const NEGATIONS: ReadonlySet<string> = new Set([
  'aint', 'arent', 'cannot', 'cant', 'couldnt', 'darent', 'didnt', 'doesnt', "ain't", "aren't", "can't", "couldn't",
  "daren't", "didn't", "doesn't", 'dont', 'hadnt', 'hasnt', 'havent', 'isnt', 'mightnt', 'mustnt', 'neither', "don't",
  "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't", 'neednt', "needn't", 'never', 'none', 'nope', 'nor',
  'not', 'nothing', 'nowhere', 'oughtnt', 'shant', 'shouldnt', 'uhuh', 'wasnt', 'werent', "oughtn't", "shan't",
  "shouldn't", 'uh-uh', "wasn't", "weren't", 'without', 'wont', 'wouldnt', "won't", "wouldn't", 'rarely', 'seldom',
  'despite',
]);

const INCREMENTS = [
  'absolutely', 'amazingly', 'awfully', 'completely', 'considerable', 'considerably', 'decidedly', 'deeply', 'effing',
  'enormous', 'enormously', 'entirely', 'especially', 'exceptional', 'exceptionally', 'extreme', 'extremely',
  'fabulously', 'flipping', 'flippin', 'frackin', 'fracking', 'fricking', 'frickin', 'frigging', 'friggin', 'fully',
  'fuckin', 'fucking', 'fuggin', 'fugging', 'greatly', 'hella', 'highly', 'hugely', 'incredible', 'incredibly',
  'intensely', 'major', 'majorly', 'more', 'most', 'particularly', 'purely', 'quite', 'really', 'remarkably', 'so',
  'substantially', 'thoroughly', 'total', 'totally', 'tremendous', 'tremendously', 'uber', 'unbelievably',
  'unusually', 'utter', 'utterly', 'very',
];
const DECREMENTS = [
  'almost', 'barely', 'hardly', 'just enough', 'kind of', 'kinda', 'kindof', 'kind-of', 'less', 'little', 'marginal',
  'marginally', 'occasional', 'occasionally', 'partly', 'scarce', 'scarcely', 'slight', 'slightly', 'somewhat',
  'sort of', 'sorta', 'sortof', 'sort-of',
];

export const BOOSTERS: ReadonlyMap<string, number> = new Map([
  ...INCREMENTS.map((word): [string, number] => [word, B_INCR]),
  ...DECREMENTS.map((word): [string, number] => [word, B_DECR]),
]);

/** Multi-word expressions whose meaning is not the sum of their words. */
export const IDIOMS: ReadonlyMap<string, number> = new Map([
  ['the shit', 3],
  ['the bomb', 3],
  ['bad ass', 1.5],
  ['badass', 1.5],
  ['bus stop', 0],
  ['yeah right', -2],
  ['kiss of death', -1.5],
  ['to die for', 3],
  ['beating heart', 3.1],
  ['broken heart', -2.9],
  ['cut the mustard', 2],
  ['hand to mouth', -2],
  ['back handed', -2],
  ['blow smoke', -2],
  ['blowing smoke', -2],
  ['upper hand', 1],
  ['break a leg', 2],
  ['cooking with gas', 2],
  ['in the black', 2],
  ['in the red', -2],
  ['on the ball', 2],
  ['under the weather', -2],
]);
