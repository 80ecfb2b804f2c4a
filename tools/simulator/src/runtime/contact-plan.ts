import type { Channel, Customer } from '@switchboard/contracts';
import { poissonArrivals } from '../core/arrivals';
import { hashString, type Random } from '../core/random';
import { PERSONAS } from '../personas/catalog';
import type { PersonaId } from '../personas/persona';
import type { ContactPath, QueueScenario, Scenario, ScriptedContact } from '../scenario/scenario.schema';

/** One customer contact the simulator will make. */
export interface ContactPlan {
  /** Sequence number within the run (0, 1, 2…). */
  seq: number;
  /** Scenario seconds from the start (for `after` contacts: after the named contact ended). */
  at: number;
  after?: string;
  label?: string;
  queueId: string;
  channel: Channel;
  persona: PersonaId;
  scriptIndex: number;
  customer: Customer;
  via: ContactPath;
  transcripts: boolean;
  /** Disposition; drawn from the persona when the scenario does not fix it. */
  resolved: boolean;
  /** How long the customer waits before hanging up (scenario seconds). */
  patienceSeconds: number;
  /** Which contact of this customer this is (0 = first); a recontact continues the persona's scripts. */
  contactNumber: number;
}

const FIRST_NAMES = [
  'Ada', 'Bram', 'Chiara', 'Dmitri', 'Elif', 'Farah', 'Gustav', 'Hana', 'Ines', 'Jonas', 'Keiko', 'Luca', 'Maja', 'Nils',
  'Olu', 'Priya', 'Quentin', 'Rosa', 'Sami', 'Tereza', 'Ugo', 'Vera', 'Wim', 'Ximena', 'Yusuf', 'Zofia',
];
const LAST_NAMES = ['Novak', 'Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Silva', 'Keller', 'Haddad', 'Brennan', 'Kowalski', 'Rossi', 'Ahmed'];

/** Routine customers come from a large pool (so ordinary repeat contacts happen now and then); others are unique. */
const ROUTINE_POOL = 20_000;
/** Numbers of the customers of other personas: one each, above the routine pool. */
const UNIQUE_NUMBERS = 9_900_000;

/**
 * The customer of a generated contact. `salt` shifts the numbers (ids, phones) for one run: the same seed then plans the
 * same contacts without making every customer of a second run a returning customer of the first (who would be kept for
 * the agents who had them, the platform's sticky routing).
 */
function customerFor(random: Random, persona: PersonaId, seq: number, channel: Channel, salt = 0): Customer {
  const first = random.pick(FIRST_NAMES);
  const name = `${first} ${random.pick(LAST_NAMES)}`;
  const number = persona === 'routine' ? 1 + ((random.int(1, ROUTINE_POOL) - 1 + salt) % ROUTINE_POOL) : 100_000 + ((seq + salt) % UNIQUE_NUMBERS);
  const id = `cust-${persona === 'routine' ? 'r' : persona}-${number}`;
  const phone = `+1555${String(number % 10_000_000).padStart(7, '0')}`;
  const p = PERSONAS[persona];
  return {
    id,
    name,
    ...(channel === 'email' ? { email: `${first.toLowerCase()}.${number}@example.com` } : { phone }),
    ...(p.vip ? { vip: true } : {}),
  };
}

/** A contact of a scripted scenario entry. */
export function scriptedPlan(contact: ScriptedContact, queue: QueueScenario, seq: number, random: Random, customerSalt = 0): ContactPlan {
  const persona = PERSONAS[contact.persona];
  const customer: Customer = contact.customer
    ? {
        ...contact.customer,
        phone: contact.customer.phone ?? `+1555${String(hashString(contact.customer.id) % 10_000_000).padStart(7, '0')}`,
        ...(persona.vip && contact.customer.vip === undefined ? { vip: true } : {}),
      }
    : customerFor(random, contact.persona, seq, queue.channel, customerSalt);
  return {
    seq,
    at: contact.at,
    ...(contact.after ? { after: contact.after } : {}),
    ...(contact.label ? { label: contact.label } : {}),
    queueId: queue.id,
    channel: queue.channel,
    persona: contact.persona,
    scriptIndex: Math.min(contact.script, persona.scripts.length - 1),
    customer,
    via: contact.via,
    transcripts: queue.transcripts,
    resolved: contact.resolved ?? random.chance(persona.resolvedChance),
    patienceSeconds: contact.patienceSeconds ?? random.between(...persona.patienceSeconds),
    contactNumber: contact.script,
  };
}

/** A Poisson arrival in `queue` at scenario second `at`. */
export function arrivalPlan(queue: QueueScenario, at: number, seq: number, random: Random, customerSalt = 0): ContactPlan {
  const personaId = random.weighted(queue.personas);
  const persona = PERSONAS[personaId];
  const via: ContactPath = queue.channel === 'voice' && random.chance(queue.twilioShare) ? 'twilio' : 'events';
  return {
    seq,
    at,
    queueId: queue.id,
    channel: queue.channel,
    persona: personaId,
    scriptIndex: random.int(0, persona.recontact ? 0 : persona.scripts.length - 1),
    customer: customerFor(random, personaId, seq, queue.channel, customerSalt),
    via,
    transcripts: queue.transcripts,
    resolved: random.chance(persona.resolvedChance),
    patienceSeconds: random.between(...persona.patienceSeconds),
    contactNumber: 0,
  };
}

/** The follow-up contact of a persona that comes back (same customer, queue and path; the next conversation). */
export function recontactPlan(previous: ContactPlan, seq: number, at: number, random: Random): ContactPlan | undefined {
  const persona = PERSONAS[previous.persona];
  if (!persona.recontact || previous.contactNumber >= persona.recontact.times) return undefined;
  const contactNumber = previous.contactNumber + 1;
  return {
    ...previous,
    seq,
    at,
    label: undefined,
    after: undefined,
    scriptIndex: Math.min(contactNumber, persona.scripts.length - 1),
    resolved: random.chance(persona.resolvedChance),
    patienceSeconds: random.between(...persona.patienceSeconds),
    contactNumber,
  };
}

/**
 * Every queue's Poisson arrivals merged in time order (lazily: an endless scenario is an endless
 * generator). `rateFactor` scales every queue's rate (the CLI's `--rate`). Each queue draws from its own
 * forked generator, so adding a queue does not change the others' arrivals. `customerSalt` shifts the customers' numbers
 * (see `customerFor`; the simulator derives it from its run id).
 */
export function* plannedArrivals(scenario: Scenario, random: Random, options: { rateFactor?: number; firstSeq?: number; customerSalt?: number } = {}): Generator<ContactPlan> {
  const rateFactor = options.rateFactor ?? 1;
  const end = scenario.durationSeconds ?? Number.POSITIVE_INFINITY;
  const streams = scenario.queues
    .filter((queue) => queue.ratePerMinute * rateFactor > 0)
    .map((queue) => {
      const queueRandom = random.fork(`queue:${queue.id}`);
      const times = poissonArrivals(queueRandom.fork('times'), queue.ratePerMinute * rateFactor, end);
      return { queue, random: queueRandom.fork('contacts'), times, next: times.next() };
    });
  let seq = options.firstSeq ?? 0;
  for (;;) {
    let earliest: (typeof streams)[number] | undefined;
    for (const stream of streams) {
      if (stream.next.done) continue;
      if (!earliest || (stream.next.value as number) < (earliest.next.value as number)) earliest = stream;
    }
    if (!earliest || earliest.next.done) return;
    const at = earliest.next.value as number;
    earliest.next = earliest.times.next();
    yield arrivalPlan(earliest.queue, at, seq, earliest.random, options.customerSalt ?? 0);
    seq += 1;
  }
}
