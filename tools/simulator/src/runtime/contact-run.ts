import { createHash, randomUUID } from 'node:crypto';
import { createEvent, type AnyCloudEvent, type EventData, type EventType } from '@switchboard/contracts';
import { onAbort } from '../core/clock';
import { PERSONAS } from '../personas/catalog';
import { renderScript } from '../personas/persona';
import type { Random } from '../core/random';
import type { ContactPlan } from './contact-plan';
import type { ContactOutcome, SimContext } from './context';
import type { SimulatedAgent } from './simulated-agent';
import { countEvent } from './stats';

const SOURCE = '/simulator';
const TWILIO_ACCOUNT_PREFIX = 'AC';
const CONTACT_CENTER_NUMBER = '+15550100000';

/** Twilio's RFC 2822 timestamp, e.g. `Tue, 04 Mar 2025 09:15:02 +0000`. */
function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function hex32(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/**
 * One customer contact from arrival to disposition: created (CloudEvent or Twilio callback), waits in
 * queue within the customer's patience, is answered by the agent who accepted the offer, the conversation
 * is sent line by line as utterance events, then the end and the agent's disposition.
 */
export class ContactRun {
  readonly interactionId: string;
  readonly callSid: string | undefined;
  agent: SimulatedAgent | undefined;
  outcome: ContactOutcome | undefined;
  private startedAtMs = 0;
  private answered = false;
  private resolveAssigned: ((agent: SimulatedAgent) => void) | undefined;
  private readonly assigned: Promise<SimulatedAgent>;
  private resolveFinished: ((outcome: ContactOutcome) => void) | undefined;
  /** Resolves with the outcome once the contact is over (for the platform and the simulator). */
  readonly finished: Promise<ContactOutcome> = new Promise((resolve) => (this.resolveFinished = resolve));

  constructor(
    readonly plan: ContactPlan,
    runId: string,
    private readonly ctx: SimContext,
    private readonly random: Random,
  ) {
    if (plan.via === 'twilio') {
      this.callSid = `CA${hex32(`${runId}:${plan.seq}`)}`;
      this.interactionId = `twilio-${this.callSid}`;
    } else {
      this.callSid = undefined;
      this.interactionId = `sim-${runId}-${plan.seq}`;
    }
    this.assigned = new Promise((resolve) => (this.resolveAssigned = resolve));
  }

  /** The customer id the platform knows (Twilio contacts are identified by the caller's number). */
  get customerId(): string {
    return this.plan.via === 'twilio' ? (this.plan.customer.phone ?? this.plan.customer.id) : this.plan.customer.id;
  }

  get waiting(): boolean {
    return this.outcome === undefined && !this.answered;
  }

  /** An agent accepted this contact's offer; false when the contact is no longer waiting. */
  assign(agent: SimulatedAgent): boolean {
    if (this.outcome !== undefined || this.agent) return false;
    this.agent = agent;
    this.resolveAssigned?.(agent);
    return true;
  }

  async run(): Promise<ContactOutcome> {
    const { ctx, plan } = this;
    ctx.stats.contactsStarted += 1;
    this.startedAtMs = Date.now();
    const sentAt = performance.now();
    if (plan.via === 'twilio') await this.twilio('ringing');
    else {
      await this.send('interaction.created', {
        interactionId: this.interactionId,
        channel: plan.channel,
        direction: 'inbound',
        queueId: plan.queueId,
        customer: plan.customer,
        language: 'en',
        attributes: { persona: plan.persona, ...(PERSONAS[plan.persona].plan ? { plan: PERSONAS[plan.persona].plan as string } : {}) },
      });
    }
    ctx.observer.onCreatedAccepted?.(this, performance.now(), sentAt);

    const patience = new AbortController();
    // A plain reason: without one, every abort builds a DOMException with its stack (one per contact).
    const stopWaiting = onAbort(ctx.signal, () => patience.abort('stopped'));
    const agent = await Promise.race([
      this.assigned,
      ctx.clock.sleep(plan.patienceSeconds, patience.signal).then(() => undefined),
    ]);
    patience.abort('settled');
    stopWaiting();
    if (!agent) {
      if (ctx.signal.aborted) return this.finish('stopped');
      await this.end('abandoned');
      return this.finish('abandoned');
    }
    this.answered = true;
    ctx.stats.contactsAnswered += 1;
    await this.send('interaction.answered', { interactionId: this.interactionId, agentId: agent.id });
    ctx.observer.onAnswered?.(this, agent.id);

    const persona = PERSONAS[plan.persona];
    const script = renderScript(persona.scripts[plan.scriptIndex] ?? persona.scripts[0] ?? [], {
      agent: agent.firstName,
      customer: plan.customer.name?.split(' ')[0] ?? 'there',
    });
    for (const turn of script) {
      if (!(await ctx.clock.sleep(this.random.between(...persona.turnGapSeconds), ctx.signal))) break;
      if (!plan.transcripts) continue;
      await this.send('interaction.utterance', {
        interactionId: this.interactionId,
        utteranceId: randomUUID(),
        speaker: turn.speaker,
        text: turn.text,
        offsetMs: Date.now() - this.startedAtMs,
      });
    }
    await this.end('completed');
    await this.send('interaction.disposition', {
      interactionId: this.interactionId,
      agentId: agent.id,
      customerId: this.customerId,
      resolved: plan.resolved,
      code: persona.dispositionCode,
    });
    return this.finish(ctx.signal.aborted ? 'stopped' : 'completed');
  }

  /** Ends the contact for the platform when the simulation stops (no contact is left open). */
  async abandonIfOpen(): Promise<void> {
    if (this.outcome !== undefined) return;
    await this.end(this.answered ? 'completed' : 'abandoned').catch(() => undefined);
  }

  private ended = false;

  /** Marks a contact that failed half-way as over. */
  markFailed(): void {
    if (this.outcome !== undefined) return;
    this.outcome = 'stopped';
    this.agent?.contactEnded();
    this.resolveFinished?.('stopped');
  }

  private async end(reason: 'completed' | 'abandoned'): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const durationMs = Date.now() - this.startedAtMs;
    if (this.plan.via === 'twilio') {
      await this.twilio(reason === 'completed' ? 'completed' : 'canceled', { CallDuration: String(Math.round(durationMs / 1000)) });
      return;
    }
    await this.send('interaction.ended', {
      interactionId: this.interactionId,
      reason,
      ...(this.agent ? { agentId: this.agent.id } : {}),
      durationMs,
    });
  }

  private finish(outcome: ContactOutcome): ContactOutcome {
    this.outcome = outcome;
    if (outcome === 'completed') this.ctx.stats.contactsCompleted += 1;
    if (outcome === 'abandoned') this.ctx.stats.contactsAbandoned += 1;
    this.agent?.contactEnded();
    this.ctx.observer.onContactEnded?.(this, outcome, this.agent?.id);
    this.resolveFinished?.(outcome);
    return outcome;
  }

  private async send<T extends EventType>(type: T, data: EventData<T>): Promise<void> {
    const event = createEvent({ type, tenantid: this.ctx.tenant, source: SOURCE, data } as never) as AnyCloudEvent;
    const result = await this.ctx.intake.send(event);
    countEvent(this.ctx.stats, type, result.accepted);
  }

  private async twilio(status: 'ringing' | 'completed' | 'canceled', extra: Record<string, string> = {}): Promise<void> {
    const { plan, ctx } = this;
    const params: Record<string, string> = {
      AccountSid: `${TWILIO_ACCOUNT_PREFIX}${hex32(`account:${ctx.tenant}`)}`,
      ApiVersion: '2010-04-01',
      CallSid: this.callSid as string,
      CallStatus: status,
      Direction: 'inbound',
      From: plan.customer.phone ?? '+15550000000',
      To: CONTACT_CENTER_NUMBER,
      ...(plan.customer.name ? { CallerName: plan.customer.name } : {}),
      Timestamp: rfc2822(new Date()),
      ...extra,
    };
    const result = await ctx.intake.twilioCallback(params, { authToken: ctx.twilioAuthToken, queueId: plan.queueId });
    ctx.stats.twilioCallbacks += 1;
    // The first callback carries the creation; later ones repeat it (a duplicate) and add their own event.
    if (status === 'ringing') countEvent(ctx.stats, 'interaction.created', result.accepted);
    else countEvent(ctx.stats, 'interaction.ended', result.accepted);
  }
}
