import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest directory above this file holding nx.json. */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** The shared labelled data lives beside the repository (`../shared/data`) and is never copied into it. */
export function dataDirectory(): string {
  return process.env['ANALYTICS_DATA_DIR'] ?? resolve(repositoryRoot(), '..', 'shared', 'data');
}

export function readDataFile(relative: string): string {
  return readFileSync(join(dataDirectory(), relative), 'utf8');
}

export interface RatedText {
  rating: number;
  text: string;
}

export const SENTIMENT_CORPORA = {
  amazon: 'sentiment/amazonReviewSnippets_GroundTruth.txt',
  movie: 'sentiment/movieReviewSnippets_GroundTruth.txt',
  nyt: 'sentiment/nytEditorialSnippets_GroundTruth.txt',
} as const;
export type SentimentCorpus = keyof typeof SENTIMENT_CORPORA;

/** Published VADER numbers (Hutto & Gilbert 2014, Table 4): correlation with the human mean / 3-class weighted F1. */
export const VADER_PUBLISHED: Record<SentimentCorpus, { correlation: number; f1: number }> = {
  amazon: { correlation: 0.565, f1: 0.63 },
  movie: { correlation: 0.451, f1: 0.61 },
  nyt: { correlation: 0.492, f1: 0.55 },
};

export function loadSentimentCorpus(corpus: SentimentCorpus): RatedText[] {
  const rows: RatedText[] = [];
  for (const line of readDataFile(SENTIMENT_CORPORA[corpus]).split('\n')) {
    const first = line.indexOf('\t');
    const second = line.indexOf('\t', first + 1);
    if (first < 0 || second < 0) continue;
    const rating = Number(line.slice(first + 1, second));
    if (Number.isFinite(rating)) rows.push({ rating, text: line.slice(second + 1).trim() });
  }
  return rows;
}

export interface AbuseRow {
  abusive: boolean;
  text: string;
}

/** Davidson et al. 2017: class 0 hate speech, 1 offensive, 2 neither. Parses the quoted CSV by hand (one fixed layout). */
export function loadAbuseRows(): AbuseRow[] {
  const content = readDataFile('abuse/dev.csv');
  const rows: AbuseRow[] = [];
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let header = true;
  for (let i = 0; i < content.length; i++) {
    const c = content[i] as string;
    if (quoted) {
      if (c === '"') {
        if (content[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && content[i + 1] === '\n') i++;
      fields.push(field);
      field = '';
      if (header) header = false;
      else if (fields.length >= 7) rows.push({ abusive: fields[5] !== '2', text: fields.slice(6).join(',') });
      fields = [];
    } else field += c;
  }
  if (fields.length >= 6 && !header) rows.push({ abusive: fields[5] !== '2', text: [...fields.slice(6), field].join(',') });
  return rows;
}

export interface IntentData {
  train: [string, string][];
  val: [string, string][];
  smallTalkIntents: ReadonlySet<string>;
}

export function loadIntents(): IntentData {
  const data = JSON.parse(readDataFile('intents/clinc150_train_val.json')) as {
    train: [string, string][];
    val: [string, string][];
  };
  const domains = JSON.parse(readDataFile('intents/domains.json')) as Record<string, string[]>;
  return { train: data.train, val: data.val, smallTalkIntents: new Set(domains['small_talk'] ?? []) };
}
