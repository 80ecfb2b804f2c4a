import { createTestNamespace, expectEventually, type TestNamespace } from '@switchboard/testing';
import { RoutingHarness } from './routing.harness';

jest.setTimeout(30_000);

describe('routing strategies and wellbeing rules through API and events', () => {
  let ns: TestNamespace;
  let h: RoutingHarness;

  beforeAll(async () => {
    ns = createTestNamespace('routing_rules');
    h = await RoutingHarness.start(ns);
  });

  afterAll(async () => {
    await h.close();
    await ns.cleanup();
  });

  const offeredTo = async (interactionId: string): Promise<string> => {
    await expectEventually(() => expect(h.of('routing.offered', (e) => e.data.interactionId === interactionId).length).toBeGreaterThan(0));
    return h.of('routing.offered', (e) => e.data.interactionId === interactionId).at(-1)!.data.agentId;
  };

  it('best-skill-match and language matching pick the right agent', async () => {
    await h.queue('skill', { channel: 'chat', strategy: 'best-skill-match', requiredSkills: { tax: 2 } });
    await h.agent('s-low', { skills: { tax: 2 }, languages: ['en', 'de'] });
    await h.agent('s-high', { skills: { tax: 5 }, languages: ['en'] });
    await h.create('sk1', { queueId: 'skill', channel: 'chat' });
    expect(await offeredTo('sk1')).toBe('s-high');
    await h.create('sk2', { queueId: 'skill', channel: 'chat', language: 'de' });
    expect(await offeredTo('sk2')).toBe('s-low');
  });

  it('overflow widens the pool after the wait and publishes routing.escalated', async () => {
    await h.queue('ovf', { channel: 'email', requiredSkills: { legal: 4 }, overflow: [{ afterSeconds: 1, minSkillLevel: 1 }] });
    await h.agent('junior', { skills: { legal: 1 } });
    await h.create('ov1', { queueId: 'ovf', channel: 'email' });
    await expectEventually(() => expect(h.of('routing.escalated', (e) => e.data.interactionId === 'ov1')).toHaveLength(1));
    expect(await offeredTo('ov1')).toBe('junior');
  });

  it('keeps strained agents and new hires from volatile customers while others can take them', async () => {
    await h.queue('vol', { channel: 'video', requiredSkills: { care: 1 } });
    await h.agent('strained', { skills: { care: 2 }, capacity: { video: 1 } });
    await h.agent('newbie', { skills: { care: 2 }, capacity: { video: 1 }, startedAt: new Date().toISOString().slice(0, 10) });
    await h.agent('veteran', { skills: { care: 2 }, capacity: { video: 1 }, startedAt: '2020-01-01' });
    await h.publish('analytics.wellbeing_changed', { agentId: 'strained', score: 80, level: 'high', factors: [] });
    await h.publish('analytics.churn_risk_changed', { customerId: 'angry', score: 0.9, level: 'high', reasons: [] });
    await expectEventually(async () => expect((await h.ok('GET', '/v1/agents/strained')).strainLevel).toBe('high'));
    await expectEventually(async () => expect(await h.ok('GET', '/v1/customers/angry')).toMatchObject({ churnLevel: 'high', volatile: true, contacts: 0 }));
    await h.create('v1', { queueId: 'vol', channel: 'video', customer: { id: 'angry' } });
    expect(await offeredTo('v1')).toBe('veteran');
    const log = await h.ok('GET', '/v1/interactions/v1/routing');
    const rules = (log['decisions'] as { rules: { rule: string; outcome: string }[] }[])[0]!.rules;
    expect(rules).toEqual(expect.arrayContaining([
      { rule: 'wellbeing.strain', outcome: 'excluded 1 agents' },
      { rule: 'wellbeing.new_hire', outcome: 'excluded 1 agents' },
    ]));
  });

  it('VIP priority is served first, and abuse adds recovery to wrap-up', async () => {
    await h.queue('vip', { channel: 'voice', requiredSkills: { vip: 1 }, wrapUpSeconds: 0 });
    await h.create('normal', { queueId: 'vip' });
    await h.create('gold', { queueId: 'vip', customer: { id: 'gold', vip: true } });
    await expectEventually(() => expect(h.of('routing.queued', (e) => e.data.interactionId === 'gold')).toHaveLength(1));
    await h.agent('vipper', { skills: { vip: 1 }, capacity: { voice: 1 } });
    expect(await offeredTo('gold')).toBe('vipper');
    const offer = h.of('routing.offered', (e) => e.data.interactionId === 'gold')[0]!;
    await h.ok('POST', `/v1/offers/${offer.data.offerId}/accept`, undefined, h.agentToken('vipper'));
    await h.publish('analytics.abuse_detected', { interactionId: 'gold', agentId: 'vipper', categories: ['insult'], severity: 'high' });
    // Abuse reports and call ends travel on different streams: wait until the report is recorded.
    await expectEventually(async () =>
      expect(await h.ok('GET', '/v1/interactions/gold/routing')).toMatchObject({ status: 'assigned', abusive: true }),
    );
    await h.publish('interaction.ended', { interactionId: 'gold', reason: 'completed', agentId: 'vipper' });
    await expectEventually(() =>
      expect(h.of('agent.state_changed', (e) => e.data.agentId === 'vipper' && e.data.state === 'wrap_up' && (e.data.reason ?? '').includes('recovery'))).toHaveLength(1),
    );
  });

  it('sticky routing offers the agent who last helped the customer', async () => {
    await h.queue('stk', { channel: 'chat', requiredSkills: { loyal: 1 }, wrapUpSeconds: 0 });
    await h.agent('first', { skills: { loyal: 1 } });
    await h.create('st1', { queueId: 'stk', channel: 'chat', customer: { id: 'repeat' } });
    expect(await offeredTo('st1')).toBe('first');
    await h.ok('POST', `/v1/offers/${h.of('routing.offered', (e) => e.data.interactionId === 'st1')[0]!.data.offerId}/accept`, undefined, h.agentToken('first'));
    await h.publish('interaction.ended', { interactionId: 'st1', reason: 'completed' });
    await expectEventually(async () => expect((await h.ok('GET', '/v1/interactions/st1/routing'))['status']).toBe('ended'));
    expect(await h.ok('GET', '/v1/customers/repeat')).toMatchObject({ customerId: 'repeat', contacts: 1, lastAgentId: 'first', volatile: false });
    expect(await h.call('GET', '/v1/customers/never-seen')).toMatchObject({ status: 404, body: { code: 'ROUTING.CUSTOMER_NOT_FOUND' } });
    await h.agent('idle-longer', { skills: { loyal: 1 } });
    await h.ok('PUT', '/v1/queues/stk', { name: 'stk', channel: 'chat', requiredSkills: { loyal: 1 }, wrapUpSeconds: 0, strategy: 'round-robin' });
    await h.create('st2', { queueId: 'stk', channel: 'chat', customer: { id: 'repeat' } });
    expect(await offeredTo('st2')).toBe('first');
  });
  it('round-robin offers the agent offered longest ago; least-occupancy the least occupied', async () => {
    await h.queue('rr', { channel: 'chat', requiredSkills: { rr: 1 }, strategy: 'round-robin', wrapUpSeconds: 0 });
    await h.agent('rr1', { skills: { rr: 1 } });
    await h.agent('rr2', { skills: { rr: 1 } });
    await h.create('rr-a', { queueId: 'rr', channel: 'chat' });
    const first = await offeredTo('rr-a');
    await h.create('rr-b', { queueId: 'rr', channel: 'chat' });
    const second = await offeredTo('rr-b');
    expect(new Set([first, second])).toEqual(new Set(['rr1', 'rr2']));

    await h.queue('lo', { channel: 'chat', requiredSkills: { lo: 1 }, strategy: 'least-occupancy', wrapUpSeconds: 0 });
    await h.agent('lo1', { skills: { lo: 1 } });
    await h.agent('lo2', { skills: { lo: 1 } });
    await h.create('lo-a', { queueId: 'lo', channel: 'chat' });
    const busy = await offeredTo('lo-a');
    await h.ok('POST', `/v1/offers/${h.of('routing.offered', (e) => e.data.interactionId === 'lo-a')[0]!.data.offerId}/accept`, undefined, h.agentToken(busy));
    await expectEventually(() => expect(h.of('routing.assigned', (e) => e.data.interactionId === 'lo-a')).toHaveLength(1));
    await h.create('lo-b', { queueId: 'lo', channel: 'chat' });
    expect(await offeredTo('lo-b')).toBe(busy === 'lo1' ? 'lo2' : 'lo1');
  });

  it('logs a hold for the sticky agent and a wait with nobody eligible, once each, then the offer', async () => {
    await h.queue('rare', { channel: 'email', requiredSkills: { rare: 5 } });
    await h.create('nobody', { queueId: 'rare', channel: 'email' });
    await h.queue('hold', { channel: 'chat', requiredSkills: { hold: 1 }, wrapUpSeconds: 0 });
    await h.agent('h1', { skills: { hold: 1 } });
    await h.create('ho1', { queueId: 'hold', channel: 'chat', customer: { id: 'regular' } });
    expect(await offeredTo('ho1')).toBe('h1');
    await h.ok('POST', `/v1/offers/${h.of('routing.offered', (e) => e.data.interactionId === 'ho1')[0]!.data.offerId}/accept`, undefined, h.agentToken('h1'));
    await h.publish('interaction.ended', { interactionId: 'ho1', reason: 'completed' });
    await expectEventually(async () => expect((await h.ok('GET', '/v1/interactions/ho1/routing'))['status']).toBe('ended'));
    await h.ok('POST', '/v1/agents/h1/state', { state: 'break' });
    await h.agent('h2', { skills: { hold: 1 } });

    await h.create('ho2', { queueId: 'hold', channel: 'chat', customer: { id: 'regular' } });
    type Logged = { outcome: string; winner?: string; rules: { rule: string; outcome: string }[] };
    const decisions = async (id: string): Promise<Logged[]> => (await h.ok('GET', `/v1/interactions/${id}/routing`))['decisions'] as Logged[];
    await expectEventually(async () => expect((await decisions('ho2'))[0]).toMatchObject({ outcome: 'waiting_for_sticky_agent' }));
    expect((await decisions('ho2'))[0]!.rules).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'sticky', outcome: 'waiting' })]));
    await h.ok('POST', '/v1/agents/h1/state', { state: 'available' });
    expect(await offeredTo('ho2')).toBe('h1');
    const held = await decisions('ho2');
    expect(held.map((d) => d.outcome)).toEqual(['waiting_for_sticky_agent', 'offered']);
    expect(held[1]!.winner).toBe('h1');

    // Many rounds later, the interaction nobody can take has one entry.
    const waiting = await decisions('nobody');
    expect(waiting.map((d) => d.outcome)).toEqual(['no_eligible_agent']);
  });
});
