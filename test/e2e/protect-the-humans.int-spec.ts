import { join } from 'node:path';
import { expectEventually, pollUntil, uniqueTenant } from '@switchboard/testing';
import { loadScenarioFile, NotifySocket, parseScenario, requestJson, Simulator, TokenIssuer, type WireNotification } from '../../tools/simulator/src';
import { startSystem, type RunningSystem } from './system';

interface Kpis {
  offered: number;
  answered: number;
  abandoned: number;
}
interface KpiOverview {
  tenant: { kpis: Kpis };
  queues: { queueId: string; kpis: Kpis }[];
}
interface DecisionLog {
  decisions: { outcome?: string; winner?: string; rules?: { rule: string; outcome: string }[]; candidates?: { agentId: string; eligible: boolean; reasons: string[] }[] }[];
}

/**
 * The whole system with the simulator driving a scripted scenario (protect-the-humans.yaml): all four
 * services against one isolated namespace, every interaction through intake's public endpoints, every
 * offer answered by a simulated agent over notify's WebSocket and routing's API.
 */
describe('end to end: a contact center that protects its people', () => {
  let system: RunningSystem;
  let simulator: Simulator;
  let supervisor: NotifySocket;
  const supervisorInbox: WireNotification[] = [];
  const tenant = uniqueTenant('e2e');

  beforeAll(async () => {
    system = await startSystem({ mode: 'in-process', label: 'e2e' });
  }, 90_000);

  afterAll(async () => {
    await simulator?.stop();
    await supervisor?.close();
    await system?.stop();
  });

  it('alerts on abuse and gives recovery time, passes kudos on, keeps repeat callers and spares new hires, and counts every contact', async () => {
    const scenario = { ...loadScenarioFile(join(__dirname, 'protect-the-humans.yaml')), tenant };
    simulator = new Simulator({ scenario, urls: system.urls, jwtSecret: system.jwtSecret });
    const tokens = new TokenIssuer(tenant, system.jwtSecret);
    supervisor = new NotifySocket(system.urls.notify, tokens.supervisor('sup-maria'));
    supervisor.on('notification', (n) => supervisorInbox.push(n));
    await supervisor.connect();

    await simulator.start();
    await simulator.done();
    expect(simulator.stats.errors).toBe(0);

    // 1. The harasser: Ana took it; supervisors are alerted with the quote; Ana is in recovery wrap-up.
    const harass = simulator.contact('harass')!;
    expect(harass.agent?.id).toBe('vet-ana');
    const alert = await expectEventually(() => {
      const found = supervisorInbox.find((n) => n.kind === 'alert' && n.eventType === 'analytics.abuse_detected' && n.data['interactionId'] === harass.interactionId);
      expect(found).toBeDefined();
      return found!;
    }, { timeoutMs: 10_000, description: 'a supervisor alert about the abusive call' });
    expect(alert.data['agentId']).toBe('vet-ana');
    expect(['medium', 'high', 'critical']).toContain(alert.severity);
    const ana = await simulator.routing.getAgent('vet-ana');
    expect(ana.state).toBe('wrap_up');
    // The queue has no wrap-up of its own: all of it is recovery time (routing's default 120 s).
    expect(Date.parse(ana.wrapUpUntil!) - Date.now()).toBeGreaterThan(60_000);

    // 2. The grateful caller (through Twilio): the words of thanks reach the agent who answered, as kudos.
    const grateful = simulator.contact('grateful')!;
    expect(grateful.interactionId).toMatch(/^twilio-CA[0-9a-f]{32}$/);
    const thanked = simulator.agents.get(grateful.agent!.id)!;
    const kudos = await expectEventually(() => {
      const found = thanked.received.find((n) => n.kind === 'kudos' && n.data['interactionId'] === grateful.interactionId);
      expect(found).toBeDefined();
      return found!;
    }, { timeoutMs: 10_000, description: `kudos on ${thanked.id}'s WebSocket` });
    // The customer's own words of thanks (the first line that said it).
    expect(String(kudos.data['quote'])).toMatch(/thank you/i);
    expect(String(kudos.data['quote'])).toContain(thanked.firstName);

    // 3. The repeat caller reaches the same agent the second time (the other agent had been idle longer).
    const first = simulator.contact('repeat-1')!;
    const second = simulator.contact('repeat-2')!;
    expect(second.agent?.id).toBe(first.agent?.id);
    const stickyLog = await requestJson<DecisionLog>('GET', `${system.urls.routing}/v1/interactions/${second.interactionId}/routing`, { token: tokens.supervisor() });
    const stickyRules = stickyLog.decisions.flatMap((d) => d.rules ?? []);
    expect(stickyRules).toContainEqual(expect.objectContaining({ rule: 'sticky', outcome: 'applied' }));

    // 4. The harasser again, on the support line: the new hire is spared, the experienced agent takes it.
    const again = simulator.contact('harass-again')!;
    expect(again.agent?.id).toBe('vet-bo');
    const guardLog = await requestJson<DecisionLog>('GET', `${system.urls.routing}/v1/interactions/${again.interactionId}/routing`, { token: tokens.supervisor() });
    const offered = guardLog.decisions.find((d) => d.winner === 'vet-bo')!;
    expect(offered.rules).toContainEqual(expect.objectContaining({ rule: 'wellbeing.new_hire', outcome: 'excluded 1 agents' }));
    expect(offered.candidates?.find((c) => c.agentId === 'new-ines')).toMatchObject({ eligible: false });

    // 5. The dashboard's counts equal what was sent: every contact offered, answered or abandoned once.
    const sent = simulator.stats;
    expect(sent.eventsAccepted['interaction.created']).toBe(6);
    expect(sent.contactsAnswered).toBe(5);
    expect(sent.contactsAbandoned).toBe(1);
    const overview = await pollUntil(
      () => requestJson<KpiOverview>('GET', `${system.urls.analytics}/v1/kpis?window=day`, { token: tokens.supervisor() }),
      (o) => o.tenant.kpis.offered === 6 && o.tenant.kpis.answered === 5 && o.tenant.kpis.abandoned === 1,
      { timeoutMs: 10_000, intervalMs: 200, description: 'KPIs matching the events sent' },
    );
    expect(overview.tenant.kpis).toMatchObject({
      offered: sent.eventsAccepted['interaction.created'],
      answered: sent.eventsAccepted['interaction.answered'],
      abandoned: sent.contactsAbandoned,
    });
    const byQueue = Object.fromEntries(overview.queues.map((q) => [q.queueId, q.kpis]));
    expect(byQueue['escalations']).toMatchObject({ offered: 1, answered: 1, abandoned: 0 });
    expect(byQueue['support']).toMatchObject({ offered: 4, answered: 4, abandoned: 0 });
    expect(byQueue['after-hours']).toMatchObject({ offered: 1, answered: 0, abandoned: 1 });
  }, 90_000);

  it("leaves a human agent's offers to the person at the console, and plays the customer once they accept", async () => {
    const humanTenant = uniqueTenant('e2e-human');
    const scenario = parseScenario({
      tenant: humanTenant,
      seed: 3,
      speed: 20,
      queues: [{ id: 'desk', channel: 'chat', requiredSkills: { desk: 1 }, wrapUpSeconds: 0, offerTimeoutSeconds: 30 }],
      agents: [{ id: 'you', name: 'Sam Person', skills: { desk: 2 }, human: true }],
      script: [{ label: 'first', queue: 'desk', persona: 'routine', customer: { id: 'cust-first' } }],
    });
    const human = new Simulator({ scenario, urls: system.urls, jwtSecret: system.jwtSecret });
    const tokens = new TokenIssuer(humanTenant, system.jwtSecret);
    const person = new NotifySocket(system.urls.notify, tokens.agent('you'));
    const offers: WireNotification[] = [];
    person.on('notification', (n) => {
      if (n.kind === 'offer') offers.push(n);
    });
    try {
      await person.connect();
      await human.start();
      const offer = await expectEventually(() => {
        expect(offers).toHaveLength(1);
        return offers[0]!;
      }, { timeoutMs: 15_000, description: "the offer on the person's socket" });
      // Nobody but the person answers it: the accept succeeds (no 409), and the simulator waited for it.
      const contact = human.contact('first')!;
      expect(contact.agent).toBeUndefined();
      await requestJson('POST', `${system.urls.routing}/v1/offers/${String(offer.data['offerId'])}/accept`, { token: tokens.agent('you') });
      await human.done();
      expect(contact.agent?.id).toBe('you');
      expect(human.stats).toMatchObject({ contactsAnswered: 1, offersAccepted: 1, errors: 0 });
      // The person's inbox is theirs to acknowledge: the offer is still unacknowledged there.
      const inbox = await requestJson<{ items: { id: string }[] }>('GET', `${system.urls.notify}/v1/inbox`, { token: tokens.agent('you') });
      expect(inbox.items.map((item) => item.id)).toContain(offer.id);
    } finally {
      await human.stop();
      await person.close();
    }
  }, 60_000);
});
