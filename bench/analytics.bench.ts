import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { VADER_PUBLISHED, loadAbuseRows, loadIntents, loadSentimentCorpus, SENTIMENT_CORPORA, type SentimentCorpus } from '../services/analytics/src/evaluation/data-files';
import { pearson, threeClass, weightedF1 } from '../services/analytics/src/evaluation/metrics';
import { abuseQuality, intentQuality, sentimentQuality } from '../services/analytics/src/evaluation/quality';
import { createSentimentScorer } from '../services/analytics/src/scoring/sentiment';
import { AbuseDetector } from '../services/analytics/src/scoring/abuse-detector';
import { IntentClassifier } from '../services/analytics/src/scoring/intent-classifier';
import { sharedUtteranceScorer } from '../services/analytics/src/scoring/utterance-scorer';
import { Vocabulary } from '../services/analytics/src/scoring/vocabulary';
import { WordSequence } from '../services/analytics/src/scoring/words';
import { buildEvent, createTestNamespace, startTestApp, TEST_NATS_URL, uniqueTenant } from '../libs/testing/src';
import { subjectFor } from '../libs/contracts/src';
import { startSystem } from '../test/e2e/system';
import { EventPublisher, namespacedSubject, NATS_CONNECTION } from '../libs/platform/src';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import type { AnyCloudEvent } from '../libs/contracts/src';
import { AppModule } from '../services/analytics/src/app.module';
import { agentBucketsSql } from '../services/analytics/src/kpis/kpi-sql';
import { KpiFactsUseCase } from '../services/analytics/src/kpis/kpi-facts.use-case';
import { liveWindow } from '../services/analytics/src/kpis/kpi-model';
import { KpiQueryService } from '../services/analytics/src/kpis/kpi-query.service';
import { DataSource } from 'typeorm';
import { figure, percentile, processCpuMs, rate, round, serverCpuDelta, serverCpuMs, type BenchResult, type Figure } from './harness';

interface VaderPackage {
  SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } };
}

function texts(): string[] {
  return (Object.keys(SENTIMENT_CORPORA) as SentimentCorpus[]).flatMap((corpus) => loadSentimentCorpus(corpus).map((row) => row.text));
}

/**
 * Utterances per second of `score` over `corpus`, repeated until at least `minMs` have passed (one thread), per second
 * of CPU time this process got: on a shared machine the wall clock also counts the time other processes held the core.
 * Measured in steady state, as a long-running consumer scores: after a warm-up of `minMs` (in the first second after a
 * scorer is built, the collection of its training garbage and the optimising compiler's threads take as much CPU as
 * the scoring itself).
 */
function throughput(corpus: readonly string[], score: (text: string) => unknown, minMs = 1500): number {
  const warmUp = performance.now();
  for (let i = 0; performance.now() - warmUp < minMs; ) for (let j = 0; j < 1000; j++, i++) score(corpus[i % corpus.length] as string);
  let count = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  while (performance.now() - start < minMs) {
    for (const text of corpus) score(text);
    count += corpus.length;
  }
  const used = process.cpuUsage(cpu);
  return rate(count, (used.user + used.system) / 1000);
}

/** `ANALYTICS_BENCH=quality,speed,lag,kpis,window` (default all five) picks the parts to run. */
function parts(): Set<string> {
  const wanted = (process.env['ANALYTICS_BENCH'] ?? 'quality,speed,lag,kpis,window').split(',').map((part) => part.trim());
  return new Set(wanted);
}

export async function run(): Promise<BenchResult> {
  const figures: Figure[] = [];
  const selected = parts();
  const corpus = texts();
  // Speed first: the quality part trains and scores dozens of models, whose garbage would be collected on its time.
  if (selected.has('speed')) figures.push(...speedFigures(corpus));
  if (selected.has('quality')) figures.push(...qualityFigures());
  if (selected.has('lag')) figures.push(...(await consumerLag(corpus)));
  if (selected.has('kpis')) figures.push(...(await kpiConsumer()));
  if (selected.has('window')) figures.push(...(await fullWindowSnapshot()));
  return { suite: 'analytics', figures };
}

function qualityFigures(): Figure[] {
  const figures: Figure[] = [];
  for (const result of sentimentQuality()) {
    const published = VADER_PUBLISHED[result.corpus];
    // Where the paper is not reached: the same corpus scored by the reference port with the same lexicon, and by VADER's lexicon alone.
    const short = result.correlation < published.correlation || result.f1 < published.f1;
    const reference = short ? npmVaderQuality(result.corpus) : undefined;
    const cause = (measure: 'correlation' | 'f1'): string | undefined =>
      reference === undefined || result[measure] >= published[measure]
        ? undefined
        : `Out of fold (5-fold, AFINN weight ${result.weights.join('/')} chosen on the other folds); on this corpus npm vader-sentiment (the reference port, same lexicon) measures ${round(reference[measure], 3)} and our VADER rules over VADER's lexicon alone ${round(result.vaderLexiconOnly[measure], 3)}, so the gap to the paper lies in the lexicon and rule version of its 2014 run (not published), not in the scoring; the AFINN extension recovers ${round(result[measure] - result.vaderLexiconOnly[measure], 3)} of it.`;
    figures.push(
      figure({ name: `sentiment ${result.corpus} correlation`, unit: 'r', value: round(result.correlation, 3), ceiling: { name: 'VADER paper', value: published.correlation }, target: { kind: 'ratio-min', value: 1 }, note: cause('correlation') }),
      figure({ name: `sentiment ${result.corpus} 3-class F1`, unit: 'F1', value: round(result.f1, 3), ceiling: { name: 'VADER paper', value: published.f1 }, target: { kind: 'ratio-min', value: 1 }, note: cause('f1') }),
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
  return figures;
}

/** Correlation and 3-class F1 of npm vader-sentiment (the reference port of VADER, same lexicon) on one corpus. */
function npmVaderQuality(corpus: SentimentCorpus): { correlation: number; f1: number } {
  const vader = createRequire(__filename)('vader-sentiment') as VaderPackage;
  const rows = loadSentimentCorpus(corpus);
  const predicted = rows.map((row) => vader.SentimentIntensityAnalyzer.polarity_scores(row.text).compound);
  const truth = rows.map((row) => row.rating);
  return { correlation: pearson(truth, predicted), f1: weightedF1(truth.map(threeClass), predicted.map(threeClass)) };
}

function speedFigures(corpus: readonly string[]): Figure[] {
  const vader = createRequire(__filename)('vader-sentiment') as VaderPackage;
  const reference = throughput(corpus.slice(0, 3000), (text) => vader.SentimentIntensityAnalyzer.polarity_scores(text));
  const sentiment = createSentimentScorer();
  const sentimentRate = throughput(corpus, (text) => sentiment.compound(text));
  const scorer = sharedUtteranceScorer();
  const fullRate = throughput(corpus, (text) => scorer.score(text));
  // Where the full scorer's CPU goes: its parts timed alone (each reads the text's words itself).
  const vocabulary = new Vocabulary();
  const abuse = new AbuseDetector(loadAbuseRows(), vocabulary);
  const intents = new IntentClassifier(loadIntents(), vocabulary);
  const words = new WordSequence(vocabulary);
  const micros = (perSecond: number): number => round(1e6 / perSecond, 2);
  const parts = {
    words: micros(throughput(corpus, (text) => words.read(text), 700)),
    sentiment: micros(sentimentRate),
    intents: micros(throughput(corpus, (text) => intents.classify(text), 700)),
    abuse: micros(throughput(corpus, (text) => abuse.detect(text), 700)),
  };
  const fullNote =
    fullRate >= 100_000
      ? undefined
      : `${micros(fullRate)} µs of CPU per utterance; alone: reading the words (ids and bigram ids) ${parts.words} µs, sentiment ${parts.sentiment} µs, intent naive Bayes (150 classes) with its words ${parts.intents} µs, abuse (profanity trie, log-odds, cue-gated patterns) with its words ${parts.abuse} µs; 1-minute load ${round(loadavg()[0] ?? 0, 1)} on ${cpus().length} cores while measured (CPU time per operation rises with contention).`;
  return [
    figure({ name: 'sentiment scorer speed (per CPU second, one thread)', unit: 'utterances/s', value: Math.round(sentimentRate), ceiling: { name: 'npm vader-sentiment', value: Math.round(reference) }, target: { kind: 'min', value: 100_000 } }),
    figure({ name: 'full utterance scorer speed (sentiment+abuse+gratitude+small talk, per CPU second, one thread)', unit: 'utterances/s', value: Math.round(fullRate), ceiling: { name: 'npm vader-sentiment', value: Math.round(reference) }, target: { kind: 'min', value: 100_000 }, note: fullNote, extra: { wordsMicros: parts.words, sentimentMicros: parts.sentiment, intentsMicros: parts.intents, abuseMicros: parts.abuse } }),
  ];
}

/**
 * Publishes customer utterances at 5,000/s for 4 s across 500 interactions into the analytics service, running as its
 * own process as it is deployed, and measures per utterance the time from its publish to the arrival of its
 * `analytics.utterance_scored` event. This process only generates the load and listens.
 */
async function consumerLag(corpus: readonly string[]): Promise<Figure[]> {
  const system = await startSystem({ mode: 'processes', services: ['analytics'], label: 'bench_analytics', env: { LOG_LEVEL: 'warn' } });
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    const namespace = system.ns.natsNamespace;
    const pid = system.pids.analytics;
    if (pid === undefined) throw new Error('the analytics process has no pid');
    const js = nc.jetstream();
    const tenant = uniqueTenant('bench');
    const subject = namespacedSubject(namespace, subjectFor(tenant, 'interaction.utterance'));
    const sentAt = new Map<string, number>();
    const lags: number[] = [];
    let firstScored: number | undefined;
    let lastScored = 0;
    const decoder = new TextDecoder();
    const sub = nc.subscribe(namespacedSubject(namespace, subjectFor(tenant, 'analytics.utterance_scored')), {
      callback: (_e, msg) => {
        const event = JSON.parse(decoder.decode(msg.data)) as { data: { utteranceId?: string } };
        const sent = event.data.utteranceId === undefined ? undefined : sentAt.get(event.data.utteranceId);
        if (sent === undefined) return;
        const now = performance.now();
        firstScored ??= now;
        lastScored = now;
        lags.push(now - sent);
      },
    });
    const perSecond = 5000;
    const seconds = 4;
    const total = perSecond * seconds;
    const batch = 250;
    const encoder = new TextEncoder();
    const serviceCpu = processCpuMs(pid);
    const servers = serverCpuMs();
    const start = performance.now();
    let rawPublish = 0;
    for (let i = 0; i < total; i += batch) {
      const due = start + (i / perSecond) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const events = Array.from({ length: batch }, (_, j) => {
        const n = i + j;
        return buildEvent('interaction.utterance', {
          tenantid: tenant,
          data: { interactionId: `int-${n % 500}`, utteranceId: `u-${n}`, speaker: 'customer', text: corpus[n % corpus.length] as string },
        });
      });
      const t = performance.now();
      await Promise.all(
        events.map((event) => {
          sentAt.set(event.data.utteranceId as string, t);
          return js.publish(subject, encoder.encode(JSON.stringify(event)), { msgID: event.id });
        }),
      );
      rawPublish += performance.now() - t;
    }
    const deadline = performance.now() + 60_000;
    while (lags.length < total && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const elapsed = performance.now() - start;
    const serviceMs = processCpuMs(pid) - serviceCpu;
    const serverMs = serverCpuDelta(servers, serverCpuMs());
    const load = loadavg()[0] ?? 0;
    const perUtterance = (ms: number): number => round((ms * 1000) / Math.max(1, lags.length), 1);
    const cpuMicrosPerUtterance = perUtterance(serviceMs);
    const coreShare = serviceMs / elapsed;
    sub.unsubscribe();
    // The scorer's own share of the CPU per utterance: the same texts scored again, alone (after a warm-up pass, as the
    // service's scorer is warm).
    const scorer = sharedUtteranceScorer();
    for (let n = 0; n < total; n++) scorer.score(corpus[n % corpus.length] as string);
    const scoring = process.cpuUsage();
    for (let n = 0; n < total; n++) scorer.score(corpus[n % corpus.length] as string);
    const scoredAlone = process.cpuUsage(scoring);
    const scoringMicros = (scoredAlone.user + scoredAlone.system) / total;
    const sorted = lags.slice().sort((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    const note =
      p99 <= 1000
        ? undefined
        : `${cpuMicrosPerUtterance} µs of the service's CPU per utterance (of which scoring ${Math.round(scoringMicros)} µs; ` +
          'the rest decoding and validating, acks, one group-committed transaction per batch and publishing the score), ' +
          `the service got ${round(coreShare, 2)} of a core at a 1-minute load of ${round(load, 1)} on ${cpus().length} cores.`;
    return [
      // Scores per second from the first to the last one received (the time to the first one is the lag, not the rate).
      figure({ name: 'consumer throughput at an offered 5,000 utterances/s', unit: 'utterances/s', value: Math.round(rate(lags.length - 1, lastScored - (firstScored ?? lastScored))), ceiling: { name: 'JetStream publish (same run)', value: Math.round(rate(total, rawPublish)) }, target: { kind: 'min', value: 5000 }, ...(note ? { note } : {}) }),
      figure({ name: 'consumer lag p50', unit: 'ms', value: round(percentile(sorted, 50)), target: { kind: 'max', value: 1000 }, ...(note ? { note } : {}) }),
      figure({ name: 'consumer lag p99', unit: 'ms', value: round(p99), target: { kind: 'max', value: 1000 }, extra: { scored: lags.length, offered: total, serviceCoreShare: round(coreShare, 2), loadAverage1m: round(load, 1) }, ...(note ? { note } : {}) }),
      figure({
        name: 'analytics service CPU per utterance (consuming, scoring, writing and publishing its score)',
        unit: 'µs',
        value: cpuMicrosPerUtterance,
        extra: {
          impliedUtterancesPerCpuSecond: Math.round(1e6 / cpuMicrosPerUtterance),
          scoringMicros: round(scoringMicros, 1),
          natsServerMicros: perUtterance(serverMs.nats),
          postgresMicros: perUtterance(serverMs.postgres),
          wallSeconds: round(elapsed / 1000, 1),
        },
      }),
    ];
  } finally {
    await nc.close();
    await system.stop();
  }
}

/**
 * A contact center's lifecycle events (per contact: created, answered, agent busy, ended, agent wrap-up, agent available;
 * 10 queues, 200 agents) published as one backlog into a running analytics app; measures how fast the KPI consumers
 * (`analytics-kpis` on interactions and on agents) work it off, from the first publish until none is pending.
 */
async function kpiConsumer(): Promise<Figure[]> {
  const ns = createTestNamespace('bench_kpis');
  const app = await startTestApp(AppModule, ns);
  try {
    const publisher = app.app.get(EventPublisher);
    const nc = app.app.get<NatsConnection>(NATS_CONNECTION);
    const jsm = await nc.jetstreamManager();
    const tenant = uniqueTenant('bench');
    const contacts = Number(process.env['ANALYTICS_BENCH_KPI_CONTACTS'] ?? 1000);
    const t0 = Date.now() - 3_600_000;
    const events: AnyCloudEvent[] = [];
    const at = (ms: number): string => new Date(t0 + ms).toISOString();
    for (let i = 0; i < contacts; i++) {
      const interactionId = `int-${i}`;
      const agentId = `agent-${i % 200}`;
      const created = i * 50;
      const answered = created + 2000 + (i % 7) * 1000;
      const ended = answered + 30_000 + (i % 13) * 1000;
      events.push(
        buildEvent('interaction.created', { tenantid: tenant, time: at(created), data: { interactionId, queueId: `q-${i % 10}`, customer: { id: `c-${i % 700}` } } }),
        buildEvent('interaction.answered', { tenantid: tenant, time: at(answered), data: { interactionId, agentId } }),
        buildEvent('agent.state_changed', { tenantid: tenant, time: at(answered), data: { agentId, state: 'busy' } }),
        buildEvent('interaction.ended', { tenantid: tenant, time: at(ended), data: { interactionId, reason: 'completed', agentId } }),
        buildEvent('agent.state_changed', { tenantid: tenant, time: at(ended), data: { agentId, state: 'wrap_up' } }),
        buildEvent('agent.state_changed', { tenantid: tenant, time: at(ended + 5000), data: { agentId, state: 'available' } }),
      );
    }
    events.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    const durables = await kpiDurables(jsm, ns.natsNamespace);
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < events.length; i += 500) await publisher.publishMany(events.slice(i, i + 500), { validated: true, sharedInbox: true });
    const published = performance.now() - start;
    const deadline = start + 120_000;
    let left = events.length;
    while (performance.now() < deadline) {
      left = await outstanding(jsm, durables);
      if (left === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const elapsed = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const load = loadavg()[0] ?? 0;
    const done = events.length - left;
    const value = Math.round(rate(done, elapsed));
    const cpuMicros = (used.user + used.system) / Math.max(1, done);
    const coreShare = (used.user + used.system) / 1000 / elapsed;
    const note =
      value >= 500
        ? undefined
        : `${Math.round(cpuMicros)} µs of process CPU per event (the KPI, insights, churn and wellbeing consumers and the live snapshots together), ` +
          `and the process got ${round(coreShare, 2)} of a core at a 1-minute load of ${round(load, 1)} on 2 cores.`;
    return [
      figure({
        name: 'KPI consumer throughput (backlog of contact and presence events, 10 queues, 200 agents)',
        unit: 'events/s',
        value,
        ...(note ? { note } : {}),
        ceiling: { name: 'JetStream publish (same run)', value: Math.round(rate(events.length, published)) },
        target: { kind: 'min', value: 500 },
        extra: { events: events.length, applied: done, wallSeconds: round(elapsed / 1000, 1), cpuMicrosPerEvent: round(cpuMicros, 1), coreShare: round(coreShare, 2), loadAverage1m: round(load, 1) },
      }),
    ];
  } finally {
    await app.close();
    await ns.cleanup();
  }
}

/**
 * The cost of a live KPI snapshot (the tenant, its 10 queues and its 500 agents) when the 15-minute window is full at
 * 100 contacts/s: 90,000 contacts in the window and as many in the 15 minutes before it, each answered, ended and
 * wrapped up (three agent spans each). The facts are written straight into the service's tables and the per-minute
 * counts counted afresh from them (as the service does when a queue's threshold changes), then the snapshot is read
 * as the publisher reads it. The raw floor: one indexed count of the window's contacts, the least any pass over them
 * costs.
 */
async function fullWindowSnapshot(): Promise<Figure[]> {
  const ns = createTestNamespace('bench_kpi_window');
  const app = await startTestApp(AppModule, ns);
  try {
    const db = app.app.get(DataSource);
    const tenant = uniqueTenant('window');
    const s = `"${ns.dbSchema}"`;
    const contacts = 180_000;
    // Contact i arrives at now - 30 min + i × 10 ms, waits i % 20 s, talks 3 s; its agent (i % 500) wraps up 1 s and is
    // then available until its next contact 5 s later: every agent's spans partition its time.
    await db.query(
      `INSERT INTO ${s}.kpi_contact (tenant, interaction_id, queue_id, customer_id, channel, created_at, answered_at, agent_id, ended_at, end_reason, wrap_up_seconds)
       SELECT $1, 'i' || i, 'q' || (i % 10), 'c' || (i % 20000), 'chat', t - ((i % 20) * interval '1 second'), t, 'a' || (i % 500), t + interval '3 seconds',
         'completed', 1
       FROM generate_series(0, $2 - 1) AS i, LATERAL (SELECT now() - interval '30 minutes' + i * interval '10 milliseconds' AS t) AS x`,
      [tenant, contacts],
    );
    await db.query(
      `INSERT INTO ${s}.kpi_agent_span (tenant, agent_id, started_at, state, ended_at)
       SELECT $1, 'a' || (i % 500), t + o.start * interval '1 second', o.state,
         CASE WHEN i + 500 >= $2 AND o.state = 'available' THEN NULL ELSE t + o.stop * interval '1 second' END
       FROM generate_series(0, $2 - 1) AS i, LATERAL (SELECT now() - interval '30 minutes' + i * interval '10 milliseconds' AS t) AS x,
         (VALUES ('busy', 0, 3), ('wrap_up', 3, 4), ('available', 4, 5)) AS o(state, start, stop)`,
      [tenant, contacts],
    );
    await db.query(`INSERT INTO ${s}.kpi_queue (tenant, queue_id) SELECT $1, 'q' || q FROM generate_series(0, 9) AS q`, [tenant]);
    await db.query(`ANALYZE ${s}.kpi_contact; ANALYZE ${s}.kpi_agent_span`);
    const facts = app.app.get(KpiFactsUseCase);
    await facts.recountStaleQueues();
    for (const bucket of ['minute', 'hour'] as const) {
      await db.query(`INSERT INTO ${s}.kpi_agent_${bucket} (tenant, agent_id, state, ${bucket}, seconds) ${agentBucketsSql(`${s}.kpi_agent_span`, 's.tenant = $1', bucket)}`, [tenant]);
    }
    await db.query(`ANALYZE ${s}.kpi_contact_minute; ANALYZE ${s}.kpi_agent_minute; ANALYZE ${s}.kpi_agent_hour`);
    const queries = app.app.get(KpiQueryService);
    const times: number[] = [];
    const floors: number[] = [];
    let inWindow = 0;
    for (let i = 0; i < 12; i++) {
      const window = liveWindow(new Date(), 15);
      let started = performance.now();
      const overview = await queries.overview(tenant, window);
      times.push(performance.now() - started);
      inWindow = overview.tenant.kpis.offered;
      started = performance.now();
      await db.query(`SELECT count(*) FROM ${s}.kpi_contact WHERE tenant = $1 AND created_at >= $2 AND created_at < $3`, [tenant, window.from, window.to]);
      floors.push(performance.now() - started);
    }
    // The first reads plan the statements and fill the caches: the figure is the steady state.
    const steady = times.slice(2).sort((a, b) => a - b);
    const floor = floors.slice(2).sort((a, b) => a - b);
    return [
      figure({
        name: 'live KPI snapshot with a full 15-minute window (100 contacts/s, 10 queues, 500 agents) p50',
        unit: 'ms',
        value: percentile(steady, 50),
        ceiling: { name: "indexed count of the window's contacts (ms)", value: round(percentile(floor, 50), 2) },
        target: { kind: 'max', value: 50 },
        extra: { contactsInWindow: inWindow, contactsStored: contacts, spansStored: contacts * 3, max: round(steady.at(-1) ?? 0, 1) },
      }),
    ];
  } finally {
    await app.close();
    await ns.cleanup();
  }
}

/** The streams and names of the KPI durables of a namespace. */
async function kpiDurables(jsm: JetStreamManager, namespace: string): Promise<{ stream: string; durable: string }[]> {
  const found: { stream: string; durable: string }[] = [];
  for await (const stream of jsm.streams.list()) {
    if (!stream.config.name.startsWith(namespace.toUpperCase())) continue;
    for await (const consumer of jsm.consumers.list(stream.config.name)) {
      // The KPI handlers: presence on its own durable, the interaction events on the service's durable of that stream.
      if (consumer.name.endsWith('analytics-kpis') || consumer.name.endsWith('analytics-cc_interactions')) found.push({ stream: stream.config.name, durable: consumer.name });
    }
  }
  if (found.length < 2) throw new Error(`the KPI durables were not found (found ${found.map((f) => f.durable).join(', ') || 'none'})`);
  return found;
}

/** Messages of the durables not yet acked. */
async function outstanding(jsm: JetStreamManager, durables: readonly { stream: string; durable: string }[]): Promise<number> {
  let left = 0;
  for (const { stream, durable } of durables) {
    const info = await jsm.consumers.info(stream, durable);
    left += info.num_pending + info.num_ack_pending;
  }
  return left;
}
