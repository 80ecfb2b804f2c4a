import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createEvent, type AnyCloudEvent, type EventData, type EventType } from '@switchboard/contracts';
import { signToken, type Role } from '@switchboard/platform';
import { Pool } from 'pg';

/** What the traffic needs to know about the deployment; lists are read at each call (replicas come and go). */
export interface TrafficTarget {
  intake: () => string[];
  routing: () => string[];
  notify: () => string[];
  /** Routing's database (the simulated telephony watches it to hang up answered calls). */
  routingDatabaseUrl: string;
  routingSchema: string;
  jwtSecret: string;
}

export interface TrafficOptions {
  tenant: string;
  agents: number;
  /** New interactions per second. */
  interactionsPerSecond: number;
  /** Customer utterances sent with each interaction (one agent utterance is sent at the end). */
  customerUtterances: number;
  /** How long an answered call lasts before the telephony ends it. */
  holdMs: number;
  log?: (line: string) => void;
}

/** One event the simulated telephony sent, and whether intake ever answered 202 for it. */
export interface SentEvent {
  id: string;
  type: EventType;
  interactionId: string;
  customerUtterance: boolean;
  accepted: boolean;
}

export interface TrafficLedger {
  events: Map<string, SentEvent>;
  /** Interactions whose creation intake accepted. */
  interactions: Set<string>;
  /** Interactions whose end intake accepted. */
  ended: Set<string>;
  /** offerId → interactionId of every offer an agent accepted with a 200. */
  acceptedOffers: Map<string, string>;
  /** Requests that failed (connection refused or reset, 5xx, timeouts) and were retried. */
  retries: number;
  /** 4xx answers other than 409 on an offer (a refused valid request is a defect). */
  refusals: string[];
  /** Webhook deliveries received: X-Switchboard-Delivery → times received. */
  webhookDeliveries: Map<string, number>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function pick(urls: string[], n: number): string {
  const url = urls[n % Math.max(1, urls.length)];
  if (!url) throw new Error('no replica to send to');
  return url;
}

/**
 * Steady contact-center traffic against a deployment: telephony posts interactions with utterances to intake
 * (retrying until it gets a 202, as a real client does), agents poll their notify inbox for offers and accept
 * them through routing, and the telephony hangs up answered calls after `holdMs`. Everything sent is recorded in
 * the ledger the checks compare the system's state with.
 */
export class Traffic {
  readonly ledger: TrafficLedger = {
    events: new Map(),
    interactions: new Set(),
    ended: new Set(),
    acceptedOffers: new Map(),
    retries: 0,
    refusals: [],
    webhookDeliveries: new Map(),
  };
  private generating = false;
  private running = false;
  private givingUp = false;
  private readonly loops: Promise<void>[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly endSent = new Set<string>();
  private readonly pool: Pool;
  private webhook: Server | undefined;
  private counter = 0;

  constructor(
    private readonly target: TrafficTarget,
    private readonly options: TrafficOptions,
  ) {
    this.pool = new Pool({ connectionString: target.routingDatabaseUrl, max: 2, connectionTimeoutMillis: 2000 });
    // The database is restarted on purpose: idle clients that lose their connection must not crash the process.
    this.pool.on('error', () => undefined);
  }

  token(role: Role, sub?: string): string {
    return signToken({ tenant: this.options.tenant, role, ...(sub ? { sub } : {}) }, this.target.jwtSecret, '12h');
  }

  agentId(i: number): string {
    return `agent-${i}`;
  }

  /** Queues, agents (available), wellbeing settings that keep every agent eligible, and a webhook subscription for offers. */
  async setUp(): Promise<void> {
    const admin = this.token('admin');
    const routing = this.target.routing()[0] ?? '';
    await this.must('PUT', `${routing}/v1/settings/wellbeing`, admin, {
      stickyEnabled: false,
      maxMissedOffers: 100,
      occupancyCapEnabled: false,
      recoveryEnabled: false,
      strainGuardEnabled: false,
      newHireGuardEnabled: false,
    });
    for (const channel of ['voice', 'chat'] as const) {
      await this.must('PUT', `${routing}/v1/queues/${channel}`, admin, {
        name: channel,
        channel,
        requiredSkills: {},
        priority: 1,
        sla: { percent: 80, seconds: 20 },
        strategy: 'longest-idle',
        offerTimeoutSeconds: 5,
        wrapUpSeconds: 0,
        overflow: [],
      });
    }
    for (let i = 0; i < this.options.agents; i += 1) {
      const id = this.agentId(i);
      await this.must('PUT', `${routing}/v1/agents/${id}`, admin, { name: id, skills: {}, capacity: { voice: 1, chat: 3 }, languages: ['en'] });
      await this.must('POST', `${routing}/v1/agents/${id}/state`, this.token('agent', id), { state: 'available' });
    }
    this.webhook = createServer((req, res) => {
      const id = req.headers['x-switchboard-delivery'];
      req.resume();
      req.on('end', () => {
        if (typeof id === 'string') this.ledger.webhookDeliveries.set(id, (this.ledger.webhookDeliveries.get(id) ?? 0) + 1);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.webhook?.listen(0, '127.0.0.1', resolve));
    const address = this.webhook.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await this.must('POST', `${this.target.notify()[0] ?? ''}/v1/subscriptions`, admin, {
      channel: 'webhook',
      target: `http://127.0.0.1:${port}/hook`,
      eventTypes: ['routing.offered'],
    });
  }

  /** Starts the telephony (new interactions), the agents and the hang-ups. */
  start(): void {
    this.running = true;
    this.generating = true;
    this.loops.push(this.generate());
    for (let i = 0; i < this.options.agents; i += 1) this.loops.push(this.agent(i));
    this.loops.push(this.hangUps());
  }

  /** No new interactions from now on; agents and hang-ups go on. */
  stopGenerating(): void {
    this.generating = false;
  }

  /**
   * Waits for every request in flight (each retries until answered; after `giveUpAfterMs` they stop retrying and
   * their events count as never accepted), then stops agents and hang-ups.
   */
  async stop(giveUpAfterMs = 60_000): Promise<void> {
    if (!this.running) return;
    this.generating = false;
    const timer = setTimeout(() => (this.givingUp = true), giveUpAfterMs);
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    clearTimeout(timer);
    this.running = false;
    await Promise.all(this.loops);
    await this.pool.end().catch(() => undefined);
  }

  /** Closes the webhook receiver (after the checks: deliveries may still be arriving until then). */
  async close(): Promise<void> {
    const webhook = this.webhook;
    this.webhook = undefined;
    await new Promise<void>((resolve) => (webhook ? webhook.close(() => resolve()) : resolve()));
  }

  /** Requests still being retried. */
  get pending(): number {
    return this.inFlight.size;
  }

  private async generate(): Promise<void> {
    const intervalMs = 1000 / this.options.interactionsPerSecond;
    let next = Date.now();
    while (this.generating) {
      const n = this.counter++;
      const interactionId = `int-${n}-${randomUUID().slice(0, 8)}`;
      const channel = n % 2 === 0 ? 'voice' : 'chat';
      const events: AnyCloudEvent[] = [
        this.event('interaction.created', {
          interactionId,
          channel,
          direction: 'inbound',
          queueId: channel,
          customer: { id: `cust-${n % 50}` },
        }),
      ];
      for (let u = 0; u < this.options.customerUtterances; u += 1) {
        events.push(this.event('interaction.utterance', { interactionId, utteranceId: `u${u}`, speaker: 'customer', text: CUSTOMER_LINES[(n + u) % CUSTOMER_LINES.length] ?? 'Hello' }));
      }
      this.track(this.post(events, () => this.ledger.interactions.add(interactionId)));
      next += intervalMs;
      await pause(Math.max(0, next - Date.now()));
    }
  }

  private event<T extends EventType>(type: T, data: EventData<T>): AnyCloudEvent {
    const event = createEvent({ type, tenantid: this.options.tenant, source: '/telephony/simulated', data, id: randomUUID() }) as AnyCloudEvent;
    const record = data as { interactionId?: string; speaker?: string };
    this.ledger.events.set(event.id, {
      id: event.id,
      type,
      interactionId: record.interactionId ?? '',
      customerUtterance: type === 'interaction.utterance' && record.speaker === 'customer',
      accepted: false,
    });
    return event;
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Posts a batch to intake until it gets a 202 (another replica on each retry). */
  private async post(events: AnyCloudEvent[], onAccepted: () => void): Promise<void> {
    const body = JSON.stringify(events);
    const token = this.token('ingest');
    for (let attempt = 0; !this.givingUp; attempt += 1) {
      try {
        const res = await fetch(`${pick(this.target.intake(), this.counter + attempt)}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents-batch+json' },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        const text = await res.text();
        if (res.status === 202) {
          for (const e of events) {
            const sent = this.ledger.events.get(e.id);
            if (sent) sent.accepted = true;
          }
          onAccepted();
          return;
        }
        if (res.status < 500 && res.status !== 429) {
          this.ledger.refusals.push(`POST /v1/events ${res.status}: ${text.slice(0, 300)}`);
          return;
        }
      } catch {
        // Refused, reset or timed out: the client cannot know whether intake took the events; it sends them again.
      }
      this.ledger.retries += 1;
      await pause(Math.min(1000, 100 * 2 ** Math.min(attempt, 4)));
    }
  }

  /** An agent: reads its inbox, accepts every offer, acknowledges what it read. */
  private async agent(i: number): Promise<void> {
    const id = this.agentId(i);
    const token = this.token('agent', id);
    const tried = new Set<string>();
    let n = i;
    while (this.running) {
      n += 1;
      try {
        const res = await fetch(`${pick(this.target.notify(), n)}/v1/inbox?limit=50`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(5000),
        });
        if (res.status === 200) {
          const { items } = (await res.json()) as { items: { id: string; kind: string; data: { offerId?: string; interactionId?: string } }[] };
          for (const item of items) {
            const offerId = item.data.offerId;
            if (item.kind === 'offer' && offerId && !tried.has(offerId)) {
              if (await this.accept(id, token, offerId, item.data.interactionId ?? '', n)) tried.add(offerId);
              else continue; // routing did not answer: try again at the next round, keep it unacknowledged
            }
            await fetch(`${pick(this.target.notify(), n)}/v1/inbox/${item.id}/ack`, {
              method: 'POST',
              headers: { authorization: `Bearer ${token}` },
              signal: AbortSignal.timeout(5000),
            })
              .then((r) => r.arrayBuffer())
              .catch(() => undefined);
          }
        } else {
          await res.arrayBuffer();
        }
      } catch {
        this.ledger.retries += 1;
      }
      await pause(150);
    }
  }

  /** True when routing answered (accepted, or the offer is no longer open). */
  private async accept(agentId: string, token: string, offerId: string, interactionId: string, n: number): Promise<boolean> {
    try {
      const res = await fetch(`${pick(this.target.routing(), n)}/v1/offers/${offerId}/accept`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(5000),
      });
      const text = await res.text();
      if (res.status === 200 || res.status === 201) {
        this.ledger.acceptedOffers.set(offerId, interactionId);
        return true;
      }
      if (res.status === 409 || res.status === 404) return true;
      if (res.status < 500) {
        this.ledger.refusals.push(`accept ${offerId} by ${agentId} ${res.status}: ${text.slice(0, 300)}`);
        return true;
      }
    } catch {
      this.ledger.retries += 1;
    }
    return false;
  }

  /** The telephony ends each answered call `holdMs` after routing assigned it. */
  private async hangUps(): Promise<void> {
    const s = `"${this.target.routingSchema}"`;
    while (this.running) {
      try {
        const { rows } = await this.pool.query<{ id: string; agent_id: string }>(
          `SELECT id, agent_id FROM ${s}.interaction WHERE tenant=$1 AND status='assigned' AND assigned_at < now() - make_interval(secs => $2)`,
          [this.options.tenant, this.options.holdMs / 1000],
        );
        for (const row of rows) {
          if (this.endSent.has(row.id)) continue;
          this.endSent.add(row.id);
          const events = [
            this.event('interaction.answered', { interactionId: row.id, agentId: row.agent_id }),
            this.event('interaction.utterance', { interactionId: row.id, utteranceId: 'closing', speaker: 'agent', text: 'Is there anything else I can help with?' }),
            this.event('interaction.ended', { interactionId: row.id, reason: 'completed', agentId: row.agent_id }),
          ];
          this.track(this.post(events, () => this.ledger.ended.add(row.id)));
        }
      } catch {
        // The database is down for a moment.
      }
      await pause(200);
    }
  }

  private async must(method: string, url: string, token: string, body: unknown): Promise<unknown> {
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 500)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }
}

/** What customers say: ordinary requests, some thanks, some small talk, an occasional outburst. */
const CUSTOMER_LINES = [
  'Hi, my invoice shows a charge I do not recognise.',
  'Thank you so much, that was really helpful!',
  'How is your day going?',
  'This is the third time I am calling about the same problem.',
  'I would like to change my plan to the cheaper one.',
  'Great, that solves it. Have a nice day!',
  'Why does nobody ever call me back? This is ridiculous.',
  'Can you tell me when the engineer will arrive?',
];
