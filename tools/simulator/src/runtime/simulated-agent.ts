import { NotifySocket, offerDataSchema, type OfferData, type WireNotification } from '../clients/notify.socket';
import { HttpError } from '../clients/http';
import { sleepMs } from '../core/clock';
import type { Random } from '../core/random';
import type { SimContext } from './context';
import type { SimulatedAgentSpec } from './tenant-setup';

/** What the simulator does with an offer the agent accepted: start the conversation (false: not one of ours). */
export type AssignContact = (interactionId: string, agent: SimulatedAgent) => boolean;

/** How often the simulator looks whether a person accepted an offer in the console. */
const HUMAN_POLL_MS = 500;

/**
 * An agent at a desk: logs in, listens on notify's WebSocket, answers offers through routing (accepting
 * most, rejecting or missing a few), talks, wraps up (routing's timer), and takes breaks between contacts.
 * A human agent (`human: true`) is only watched: a person answers its offers in the agent console, and the
 * conversation starts when routing shows the interaction assigned to it.
 */
export class SimulatedAgent {
  readonly socket: NotifySocket;
  /** Notifications received, newest last (at most 200). */
  readonly received: WireNotification[] = [];
  private active = 0;
  private onBreak = false;

  constructor(
    readonly spec: SimulatedAgentSpec,
    private readonly ctx: SimContext,
    private readonly random: Random,
    private readonly assign: AssignContact,
    private readonly onUnknownOffer: (interactionId: string, agent: SimulatedAgent) => void,
  ) {
    this.socket = new NotifySocket(ctx.notifyUrl, ctx.agentToken(spec.id));
    this.socket.on('notification', (n, at) => this.onNotification(n, at));
    this.socket.on('error', (error) => ctx.log('debug', `${spec.id} socket: ${error.message}`));
  }

  get id(): string {
    return this.spec.id;
  }

  /** The first name used in conversations. */
  get firstName(): string {
    return this.spec.name.split(/\s+/)[0] ?? this.spec.id;
  }

  get busy(): boolean {
    return this.active > 0;
  }

  async start(): Promise<void> {
    await this.socket.connect();
    if (this.spec.group.startState === 'available') await this.logIn();
    if (this.spec.group.behaviour.breakEverySeconds > 0 && !this.spec.group.human) void this.breaks();
  }

  /** Logs in; a server error is retried a few times (and counted) before it fails the start. */
  private async logIn(): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.ctx.routing.setState(this.id, 'available');
        return;
      } catch (error) {
        if (!(error instanceof HttpError && error.status >= 500) || attempt >= 4) throw error;
        this.ctx.fail(`${this.id} logging in (attempt ${attempt})`, error);
        await sleepMs(250 * 2 ** attempt, this.ctx.signal);
      }
    }
  }

  async stop(options: { logOff: boolean }): Promise<void> {
    await this.socket.close();
    if (options.logOff) {
      await this.ctx.routing.setState(this.id, 'offline', 'simulation stopped').catch(() => undefined);
    }
  }

  contactEnded(): void {
    this.active = Math.max(0, this.active - 1);
  }

  private onNotification(n: WireNotification, at: number): void {
    this.received.push(n);
    if (this.received.length > 200) this.received.shift();
    this.ctx.observer.onNotification?.(this.id, n, at);
    // A person's inbox is theirs to acknowledge, in the console.
    if (!this.spec.group.human) this.socket.ack(n.id);
    switch (n.kind) {
      case 'offer': {
        const offer = offerDataSchema.safeParse(n.data);
        if (!offer.success) return;
        this.ctx.stats.offersReceived += 1;
        this.ctx.observer.onOffer?.(this.id, offer.data, at);
        void (this.spec.group.human ? this.watchHumanAnswer(offer.data) : this.answer(offer.data));
        return;
      }
      case 'kudos':
        this.ctx.stats.kudosReceived += 1;
        return;
      case 'alert':
        this.ctx.stats.alertsReceived += 1;
        return;
      default:
        return;
    }
  }

  private async answer(offer: OfferData): Promise<void> {
    const { missRate, rejectRate, answerDelaySeconds } = this.spec.group.behaviour;
    const roll = this.random.next();
    if (roll < missRate) {
      this.ctx.stats.offersMissed += 1;
      await this.recoverAfterMiss(offer);
      return;
    }
    if (!(await this.ctx.clock.sleep(this.random.between(...answerDelaySeconds), this.ctx.signal))) return;
    try {
      if (roll < missRate + rejectRate) {
        await this.ctx.routing.reject(this.id, offer.offerId, 'busy with a follow-up');
        this.ctx.stats.offersRejected += 1;
        return;
      }
      await this.ctx.routing.accept(this.id, offer.offerId);
    } catch (error) {
      if (error instanceof HttpError && (error.status === 409 || error.status === 404)) {
        this.ctx.stats.offersLost += 1;
        return;
      }
      this.ctx.fail(`${this.id} answering offer ${offer.offerId}`, error);
      return;
    }
    this.ctx.stats.offersAccepted += 1;
    this.active += 1;
    if (!this.assign(offer.interactionId, this)) this.onUnknownOffer(offer.interactionId, this);
  }

  /**
   * Follows an offer a person answers in the console: once routing shows the interaction assigned to this agent, the
   * customer's side of the conversation starts. Gives up when the offer expires or goes to someone else.
   */
  private async watchHumanAnswer(offer: OfferData): Promise<void> {
    const deadline = Date.parse(offer.expiresAt) + 2_000;
    while (Date.now() < deadline) {
      if (!(await sleepMs(HUMAN_POLL_MS, this.ctx.signal))) return;
      let log: { status?: unknown; agentId?: unknown };
      try {
        log = await this.ctx.routing.decisionLog(offer.interactionId);
      } catch (error) {
        if (error instanceof HttpError && error.status === 404) return;
        continue;
      }
      if (log.status === 'assigned' && log.agentId === this.id) {
        this.ctx.stats.offersAccepted += 1;
        this.active += 1;
        if (!this.assign(offer.interactionId, this)) this.onUnknownOffer(offer.interactionId, this);
        return;
      }
      if (log.status !== 'offered') return;
    }
  }

  /** After missing offers routing may mark the agent `not_responding`; the agent notices and logs back in. */
  private async recoverAfterMiss(offer: OfferData): Promise<void> {
    const expiresInMs = Date.parse(offer.expiresAt) - Date.now();
    if (!(await sleepMs(Math.max(0, expiresInMs) + 1000, this.ctx.signal))) return;
    try {
      const view = await this.ctx.routing.getAgent(this.id);
      if (view.state === 'not_responding') await this.ctx.routing.setState(this.id, 'available', 'back at the desk');
    } catch (error) {
      this.ctx.fail(`${this.id} returning after missed offers`, error);
    }
  }

  private async breaks(): Promise<void> {
    const { breakEverySeconds, breakSeconds } = this.spec.group.behaviour;
    const { clock, signal } = this.ctx;
    while (!signal.aborted) {
      if (!(await clock.sleep(this.random.exponential(breakEverySeconds), signal))) return;
      // A break starts between contacts.
      while (this.active > 0) if (!(await sleepMs(Math.max(100, clock.realMs(1)), signal))) return;
      try {
        this.onBreak = true;
        await this.ctx.routing.setState(this.id, 'break', this.random.pick(['coffee', 'lunch', 'stretch', 'team huddle']));
        this.ctx.stats.breaksTaken += 1;
        await clock.sleep(this.random.between(...breakSeconds), signal);
        if (!signal.aborted) await this.ctx.routing.setState(this.id, 'available');
      } catch (error) {
        // Routing refuses a break while the agent holds work (an offer accepted meanwhile): try next time.
        if (!(error instanceof HttpError && error.status === 409)) this.ctx.fail(`${this.id} break`, error);
      } finally {
        this.onBreak = false;
      }
    }
  }

  get takingBreak(): boolean {
    return this.onBreak;
  }
}
