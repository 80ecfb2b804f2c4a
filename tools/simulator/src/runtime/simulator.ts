import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createEvent } from '@switchboard/contracts';
import { AnalyticsClient } from '../clients/analytics.client';
import { IntakeClient } from '../clients/intake.client';
import { RoutingClient } from '../clients/routing.client';
import { DEVELOPMENT_JWT_SECRET, TokenIssuer } from '../clients/tokens';
import { onAbort, SimClock } from '../core/clock';
import { createRandom, hashString, type Random } from '../core/random';
import { PERSONAS } from '../personas/catalog';
import type { Scenario } from '../scenario/scenario.schema';
import { plannedArrivals, recontactPlan, scriptedPlan, type ContactPlan } from './contact-plan';
import { ContactRun } from './contact-run';
import type { ContactOutcome, Logger, SimContext, SimulatorObserver } from './context';
import { SimulatedAgent } from './simulated-agent';
import { countEvent, emptyStats, recordError, type SimulatorStats } from './stats';
import { agentSpecs, setupTenant } from './tenant-setup';

export interface ServiceUrls {
  intake: string;
  routing: string;
  notify: string;
  analytics: string;
}

export const DEFAULT_URLS: ServiceUrls = {
  intake: 'http://127.0.0.1:3001',
  routing: 'http://127.0.0.1:3002',
  analytics: 'http://127.0.0.1:3003',
  notify: 'http://127.0.0.1:3004',
};

export interface SimulatorOptions {
  scenario: Scenario;
  urls?: Partial<ServiceUrls>;
  /** The services' JWT_SECRET (default: the environment's, else the development secret). */
  jwtSecret?: string;
  /** Override the scenario's seed, speed and duration. */
  seed?: number;
  speed?: number;
  durationSeconds?: number;
  /** Multiplies every queue's arrival rate (default 1). */
  rateFactor?: number;
  observer?: SimulatorObserver;
  log?: Logger;
  /** Distinguishes this run's interaction ids from earlier runs' (default: random). */
  runId?: string;
}

/**
 * A living contact center against the real services: sets the tenant up, logs the scenario's agents in
 * (each on notify's WebSocket), then makes contacts — Poisson arrivals per queue and scripted ones — through
 * intake, until the duration is over or `stop()` is called.
 */
export class Simulator {
  readonly scenario: Scenario;
  readonly stats: SimulatorStats = emptyStats();
  readonly tokens: TokenIssuer;
  readonly intake: IntakeClient;
  readonly routing: RoutingClient;
  readonly analytics: AnalyticsClient;
  readonly urls: ServiceUrls;
  readonly clock: SimClock;
  readonly runId: string;
  /** Shifts the generated customers' numbers for this run (see `customerFor`). */
  private readonly customerSalt: number;
  readonly agents = new Map<string, SimulatedAgent>();
  private readonly contacts = new Map<string, ContactRun>();
  private readonly labelled = new Map<string, ContactRun>();
  private readonly labelWaiters = new Map<string, (() => void)[]>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();
  private readonly random: Random;
  private readonly ctx: SimContext;
  private readonly rateFactor: number;
  private started = false;
  private nextSeq = 1_000_000;

  constructor(options: SimulatorOptions) {
    const seed = options.seed ?? options.scenario.seed;
    this.scenario = {
      ...options.scenario,
      seed,
      speed: options.speed ?? options.scenario.speed,
      durationSeconds: options.durationSeconds ?? options.scenario.durationSeconds,
    };
    this.urls = { ...DEFAULT_URLS, ...options.urls };
    this.tokens = new TokenIssuer(this.scenario.tenant, options.jwtSecret ?? process.env['JWT_SECRET'] ?? DEVELOPMENT_JWT_SECRET);
    this.intake = new IntakeClient(this.urls.intake, this.tokens);
    this.routing = new RoutingClient(this.urls.routing, this.tokens);
    this.analytics = new AnalyticsClient(this.urls.analytics, this.tokens);
    this.clock = new SimClock(this.scenario.speed);
    this.random = createRandom(seed);
    this.rateFactor = options.rateFactor ?? 1;
    this.runId = options.runId ?? `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
    this.customerSalt = hashString(this.runId);
    // Every pending wait (thousands under load) listens for the stop signal.
    setMaxListeners(0, this.abort.signal);
    const observer = options.observer ?? {};
    const log: Logger = options.log ?? (() => undefined);
    const stats = this.stats;
    this.ctx = {
      clock: this.clock,
      signal: this.abort.signal,
      intake: this.intake,
      routing: this.routing,
      notifyUrl: this.urls.notify,
      stats,
      observer,
      log,
      tenant: this.scenario.tenant,
      twilioAuthToken: this.scenario.twilioAuthToken,
      agentToken: (agentId) => this.tokens.agent(agentId),
      fail: (context, error) => {
        const message = `${context}: ${error instanceof Error ? error.message : String(error)}`;
        recordError(stats, message);
        log('warn', message);
        observer.onError?.(message);
      },
    };
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Queues, agents, settings and the Twilio integration as the scenario says (idempotent). */
  setup(): Promise<{ agents: number; queues: number }> {
    return setupTenant(this.scenario, { routing: this.routing, intake: this.intake, analytics: this.analytics });
  }

  /** Logs the agents in and starts the traffic; returns once every agent is connected. */
  async start(options: { setup?: boolean } = {}): Promise<void> {
    if (this.started) throw new Error('The simulation has already started.');
    this.started = true;
    if (options.setup ?? true) await this.setup();
    const specs = agentSpecs(this.scenario);
    for (const spec of specs) {
      const agent = new SimulatedAgent(
        spec,
        this.ctx,
        this.random.fork(`agent:${spec.id}`),
        (interactionId, a) => this.contacts.get(interactionId)?.assign(a) ?? false,
        (interactionId, a) => this.track(this.closeLeftover(interactionId, a)),
      );
      this.agents.set(spec.id, agent);
    }
    const queue = [...this.agents.values()];
    await Promise.all(
      Array.from({ length: Math.min(32, queue.length) }, async () => {
        for (let agent = queue.shift(); agent; agent = queue.shift()) await agent.start();
      }),
    );
    this.clock.restart();
    this.ctx.log('info', `${this.agents.size} agents connected; traffic starts (tenant ${this.scenario.tenant}, seed ${this.scenario.seed}, speed ${this.scenario.speed})`);
    this.track(this.runArrivals());
    this.track(this.runScript());
  }

  /** Resolves when every planned contact has ended (never, for an endless scenario, until `stop()`). */
  async done(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Stops the traffic, ends every open contact for the platform and logs the agents off. */
  async stop(options: { logOff?: boolean } = {}): Promise<void> {
    this.abort.abort();
    await this.done();
    await Promise.all([...this.contacts.values()].map((c) => c.abandonIfOpen()));
    await Promise.all([...this.agents.values()].map((a) => a.stop({ logOff: options.logOff ?? true })));
  }

  /** Runs for the scenario's duration (or until every scripted contact ended), then stops. */
  async run(): Promise<SimulatorStats> {
    await this.start();
    await this.done();
    await this.stop();
    return this.stats;
  }

  /** A scripted contact by its label, once it has started. */
  contact(label: string): ContactRun | undefined {
    return this.labelled.get(label);
  }

  /** Resolves with the labelled contact once it has started; undefined when the simulation stops first. */
  whenStarted(label: string): Promise<ContactRun | undefined> {
    const run = this.labelled.get(label);
    if (run || this.signal.aborted) return Promise.resolve(run);
    return new Promise((resolve) => {
      const stopWaiting = onAbort(this.signal, () => resolve(undefined));
      const list = this.labelWaiters.get(label) ?? [];
      list.push(() => {
        stopWaiting();
        resolve(this.labelled.get(label));
      });
      this.labelWaiters.set(label, list);
    });
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error: unknown) => this.ctx.fail('simulation', error)).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  private launch(plan: ContactPlan): ContactRun {
    const run = new ContactRun(plan, this.runId, this.ctx, this.random.fork(`contact:${plan.seq}`));
    this.contacts.set(run.interactionId, run);
    if (plan.label) {
      this.labelled.set(plan.label, run);
      for (const wake of this.labelWaiters.get(plan.label) ?? []) wake();
      this.labelWaiters.delete(plan.label);
    }
    this.track(
      run.run().then(
        (outcome) => this.afterContact(run, outcome),
        async (error: unknown) => {
          this.ctx.fail(`contact ${run.interactionId}`, error);
          // Leave nothing open in routing: end the contact as far as the platform knows it.
          await run.abandonIfOpen();
          run.markFailed();
        },
      ),
    );
    return run;
  }

  private afterContact(run: ContactRun, outcome: ContactOutcome): void {
    if (outcome === 'stopped' || this.signal.aborted) return;
    const persona = PERSONAS[run.plan.persona];
    if (!persona.recontact) return;
    const random = this.random.fork(`recontact:${run.plan.seq}`);
    const delay = random.between(...persona.recontact.afterSeconds);
    const at = this.clock.elapsedSeconds() + delay;
    if (this.scenario.durationSeconds !== undefined && at >= this.scenario.durationSeconds) return;
    const next = recontactPlan(run.plan, this.nextSeq++, at, random);
    if (!next || run.plan.label !== undefined) return;
    this.track(this.clock.until(at, this.signal).then((go) => (go ? this.launch(next) : undefined)));
  }

  private async runArrivals(): Promise<void> {
    for (const plan of plannedArrivals(this.scenario, this.random.fork('arrivals'), { rateFactor: this.rateFactor, customerSalt: this.customerSalt })) {
      if (!(await this.clock.until(plan.at, this.signal))) return;
      this.launch(plan);
    }
  }

  private async runScript(): Promise<void> {
    const random = this.random.fork('script');
    const queues = new Map(this.scenario.queues.map((q) => [q.id, q]));
    const plans = this.scenario.script.map((contact, i) => scriptedPlan(contact, queues.get(contact.queue) as (typeof this.scenario.queues)[number], 500_000 + i, random.fork(`script:${i}`), this.customerSalt));
    await Promise.all(
      plans.map(async (plan) => {
        if (plan.after) {
          const before = await this.whenStarted(plan.after);
          if (!before) return;
          await Promise.race([before.finished, new Promise((resolve) => onAbort(this.signal, () => resolve(undefined)))]);
          if (!(await this.clock.sleep(plan.at, this.signal))) return;
        } else if (!(await this.clock.until(plan.at, this.signal))) return;
        this.launch(plan);
      }),
    );
  }

  /** An offer for an interaction this run did not create (left open by an earlier run): the agent closes it. */
  private async closeLeftover(interactionId: string, agent: SimulatedAgent): Promise<void> {
    try {
      const event = createEvent({
        type: 'interaction.ended',
        tenantid: this.scenario.tenant,
        source: '/simulator',
        data: { interactionId, reason: 'completed', agentId: agent.id },
      });
      const result = await this.intake.send(event);
      countEvent(this.stats, 'interaction.ended', result.accepted);
      this.ctx.log('info', `${agent.id} closed ${interactionId}, left open by an earlier run`);
    } finally {
      agent.contactEnded();
    }
  }
}
