import { createEvent } from '@switchboard/contracts';
import { createTestNamespace, expectEventually, startTestApp, type TestNamespace } from '@switchboard/testing';
import { AppModule } from '../src/app.module';
import { CreatedBatcher } from '../src/interactions/created-batcher';
import { RoutingHarness } from './routing.harness';

jest.setTimeout(30_000);

describe('routing through API and events', () => {
  let ns: TestNamespace;
  let h: RoutingHarness;

  beforeAll(async () => {
    ns = createTestNamespace('routing');
    h = await RoutingHarness.start(ns);
  });

  afterAll(async () => {
    await h.close();
    await ns.cleanup();
  });

  it('offers to the longest-idle agent, accepts, wraps up and returns to available', async () => {
    await h.queue('q1', { wrapUpSeconds: 1 });
    await h.agent('a1');
    await h.agent('a2');
    await h.create('i1');
    await expectEventually(() => expect(h.of('routing.offered', (e) => e.data.interactionId === 'i1')).toHaveLength(1));
    const offered = h.of('routing.offered', (e) => e.data.interactionId === 'i1')[0]!;
    expect(offered.data.agentId).toBe('a1');
    expect(offered.data.explanation?.winner).toBe('a1');
    expect(offered.data.explanation?.strategy).toBe('longest-idle');

    const wrong = await h.call('POST', `/v1/offers/${offered.data.offerId}/accept`, undefined, h.agentToken('a2'));
    expect(wrong.status).toBe(403);
    await h.ok('POST', `/v1/offers/${offered.data.offerId}/accept`, undefined, h.agentToken('a1'));
    await expectEventually(() => expect(h.of('routing.assigned', (e) => e.data.interactionId === 'i1')).toHaveLength(1));
    expect((await h.ok('GET', '/v1/agents/a1')).state).toBe('busy');
    const again = await h.call('POST', `/v1/offers/${offered.data.offerId}/accept`, undefined, h.agentToken('a1'));
    expect(again.status).toBe(409);

    await h.publish('interaction.ended', { interactionId: 'i1', reason: 'completed', agentId: 'a1' });
    await expectEventually(async () => expect((await h.ok('GET', '/v1/interactions/i1/routing')).status).toBe('ended'));
    await expectEventually(() => expect(h.of('agent.state_changed', (e) => e.data.agentId === 'a1' && e.data.state === 'wrap_up')).toHaveLength(1));
    await expectEventually(async () => expect((await h.ok('GET', '/v1/agents/a1')).state).toBe('available'));

    const log = await h.ok('GET', '/v1/interactions/i1/routing');
    const decisions = log['decisions'] as { winner: string; candidates: { agentId: string }[]; rules: { rule: string }[] }[];
    expect(decisions[0]!.winner).toBe('a1');
    expect(decisions[0]!.candidates.map((c) => c.agentId).sort()).toEqual(['a1', 'a2']);
    expect(decisions[0]!.rules.map((r) => r.rule)).toEqual(expect.arrayContaining(['sticky', 'wellbeing.strain', 'wellbeing.new_hire', 'wellbeing.occupancy_cap', 'strategy']));
  });

  it('re-offers elsewhere on reject and timeout; N misses in a row make the agent not_responding', async () => {
    await h.ok('PUT', '/v1/settings/wellbeing', { maxMissedOffers: 1, stickyEnabled: false });
    await h.queue('q2', { offerTimeoutSeconds: 1, requiredSkills: { returns: 1 } });
    await h.agent('r1', { skills: { returns: 2 } });
    await h.agent('r2', { skills: { returns: 2 } });
    await h.create('i2', { queueId: 'q2' });
    await expectEventually(() => expect(h.of('routing.offered', (e) => e.data.interactionId === 'i2')).toHaveLength(1));
    const first = h.of('routing.offered', (e) => e.data.interactionId === 'i2')[0]!;
    await h.ok('POST', `/v1/offers/${first.data.offerId}/reject`, { reason: 'wrong queue' }, h.agentToken(first.data.agentId));
    await expectEventually(() => expect(h.of('routing.offered', (e) => e.data.interactionId === 'i2')).toHaveLength(2));
    const second = h.of('routing.offered', (e) => e.data.interactionId === 'i2')[1]!;
    expect(second.data.agentId).not.toBe(first.data.agentId);
    await expectEventually(() => expect(h.of('routing.offer_timed_out', (e) => e.data.offerId === second.data.offerId)).toHaveLength(1));
    await expectEventually(async () => expect((await h.ok('GET', `/v1/agents/${second.data.agentId}`)).state).toBe('not_responding'));
    await h.ok('PUT', '/v1/settings/wellbeing', { maxMissedOffers: 3, stickyEnabled: true });
  });

  it('withdraws an interaction that ends while queued or offered', async () => {
    await h.queue('q3', { channel: 'email', requiredSkills: { french: 1 } });
    await h.create('i3', { queueId: 'q3', channel: 'email' });
    await expectEventually(() => expect(h.of('routing.queued', (e) => e.data.interactionId === 'i3')).toHaveLength(1));
    await h.publish('interaction.ended', { interactionId: 'i3', reason: 'abandoned' });
    await expectEventually(() => expect(h.of('routing.abandoned', (e) => e.data.interactionId === 'i3')).toHaveLength(1));

    await h.agent('f1', { skills: { french: 2 } });
    await h.create('i4', { queueId: 'q3', channel: 'email' });
    await expectEventually(() => expect(h.of('routing.offered', (e) => e.data.interactionId === 'i4')).toHaveLength(1));
    await h.publish('interaction.ended', { interactionId: 'i4', reason: 'abandoned' });
    await expectEventually(() => expect(h.of('routing.offer_rescinded', (e) => e.data.interactionId === 'i4')).toHaveLength(1));
    expect(h.of('routing.abandoned', (e) => e.data.interactionId === 'i4')).toHaveLength(1);
  });

  it('a disposition ends wrap-up, shows in the log, and sends an unresolved case back to its agent', async () => {
    await h.queue('dq', { channel: 'chat', requiredSkills: { disp: 1 }, wrapUpSeconds: 600 });
    await h.agent('d1', { skills: { disp: 1 } });
    const handle = async (interactionId: string, agentId: string, resolved: boolean): Promise<void> => {
      await h.create(interactionId, { queueId: 'dq', channel: 'chat', customer: { id: 'open-case' } });
      await expectEventually(() => expect(h.of('routing.offered', (e) => e.data.interactionId === interactionId)).toHaveLength(1));
      const offer = h.of('routing.offered', (e) => e.data.interactionId === interactionId)[0]!;
      expect(offer.data.agentId).toBe(agentId);
      await h.ok('POST', `/v1/offers/${offer.data.offerId}/accept`, undefined, h.agentToken(agentId));
      await h.publish('interaction.ended', { interactionId, reason: 'completed' });
      await expectEventually(async () => expect((await h.ok('GET', `/v1/agents/${agentId}`)).state).toBe('wrap_up'));
      await h.publish('interaction.disposition', { interactionId, agentId, resolved, code: resolved ? 'billing.fixed' : 'billing.open' });
      await expectEventually(async () => expect((await h.ok('GET', `/v1/agents/${agentId}`)).state).toBe('available'));
    };
    await handle('dp1', 'd1', false);
    await expectEventually(() => expect(h.of('agent.state_changed', (e) => e.data.agentId === 'd1' && e.data.reason === 'disposition recorded')).toHaveLength(1));
    expect((await h.ok('GET', '/v1/interactions/dp1/routing'))['disposition']).toMatchObject({ resolved: false, code: 'billing.open' });

    // A later contact handled and resolved by d2 (d1 away, no sticky wait) ...
    await h.ok('PUT', '/v1/settings/wellbeing', { stickyWaitSeconds: 0 });
    await h.ok('POST', '/v1/agents/d1/state', { state: 'break' });
    await h.agent('d2', { skills: { disp: 1 } });
    await handle('dp2', 'd2', true);
    // ... yet the next contact goes to d1, who holds the customer's open case, though d2 has been idle longer.
    await h.ok('POST', '/v1/agents/d1/state', { state: 'available' });
    await h.create('dp3', { queueId: 'dq', channel: 'chat', customer: { id: 'open-case' } });
    await expectEventually(() => expect(h.of('routing.offered', (e) => e.data.interactionId === 'dp3')).toHaveLength(1));
    expect(h.of('routing.offered', (e) => e.data.interactionId === 'dp3')[0]!.data.agentId).toBe('d1');
    const log = await h.ok('GET', '/v1/interactions/dp3/routing');
    const sticky = (log['decisions'] as { rules: { rule: string; outcome: string; detail?: string }[] }[])[0]!.rules.find((r) => r.rule === 'sticky');
    expect(sticky).toMatchObject({ outcome: 'applied' });
    expect(sticky?.detail).toContain('unresolved');
    await h.ok('PUT', '/v1/settings/wellbeing', { stickyWaitSeconds: 20 });
  });

  it('ends and dispositions arriving together for one agent: one wrap-up after the last end, one return to available', async () => {
    await h.queue('bq', { channel: 'chat', requiredSkills: { batch: 1 }, wrapUpSeconds: 600 });
    await h.agent('b1', { skills: { batch: 1 }, capacity: { voice: 1, chat: 3, email: 5 } });
    const ids = ['bt1', 'bt2', 'bt3'];
    for (const id of ids) await h.create(id, { queueId: 'bq', channel: 'chat' });
    await expectEventually(() => expect(h.of('routing.offered', (e) => ids.includes(e.data.interactionId))).toHaveLength(3));
    for (const offer of h.of('routing.offered', (e) => ids.includes(e.data.interactionId))) {
      expect(offer.data.agentId).toBe('b1');
      await h.ok('POST', `/v1/offers/${offer.data.offerId}/accept`, undefined, h.agentToken('b1'));
    }
    // All at once: each end is locked ahead with the others', each disposition recorded ahead with the others'.
    await Promise.all(ids.flatMap((id, i) => [
      h.publish('interaction.ended', { interactionId: id, reason: 'completed', agentId: 'b1' }),
      h.publish('interaction.disposition', { interactionId: id, agentId: 'b1', resolved: i !== 1, code: `batch.${i}` }),
    ]));
    await expectEventually(async () => {
      for (const id of ids) expect(await h.ok('GET', `/v1/interactions/${id}/routing`)).toMatchObject({ status: 'ended' });
    });
    await expectEventually(async () => expect((await h.ok('GET', '/v1/agents/b1')).state).toBe('available'));
    for (const [i, id] of ids.entries()) {
      expect((await h.ok('GET', `/v1/interactions/${id}/routing`))['disposition']).toMatchObject({ resolved: i !== 1, code: `batch.${i}` });
    }
    const changes = h.of('agent.state_changed', (e) => e.data.agentId === 'b1');
    expect(changes.filter((e) => e.data.state === 'wrap_up')).toHaveLength(1);
    expect(changes.filter((e) => e.data.reason === 'disposition recorded')).toHaveLength(1);
  });

  it('ends arriving together for two agents: each agent wraps up once, after their last open interaction ended', async () => {
    await h.queue('eq', { channel: 'chat', requiredSkills: { ends: 1 }, wrapUpSeconds: 600, strategy: 'round-robin' });
    await h.agent('e1', { skills: { ends: 1 }, capacity: { voice: 1, chat: 3, email: 5 } });
    await h.agent('e2', { skills: { ends: 1 }, capacity: { voice: 1, chat: 3, email: 5 } });
    const ids = ['et1', 'et2', 'et3', 'et4'];
    for (const id of ids) await h.create(id, { queueId: 'eq', channel: 'chat' });
    await expectEventually(() => expect(h.of('routing.offered', (e) => ids.includes(e.data.interactionId))).toHaveLength(4));
    const owner = new Map<string, string>();
    for (const offer of h.of('routing.offered', (e) => ids.includes(e.data.interactionId))) {
      owner.set(offer.data.interactionId, offer.data.agentId);
      await h.ok('POST', `/v1/offers/${offer.data.offerId}/accept`, undefined, h.agentToken(offer.data.agentId));
    }
    expect(new Set(owner.values())).toEqual(new Set(['e1', 'e2']));
    // All at once, with no disposition among them: the ends of both agents are ended ahead together, in one statement.
    await Promise.all(ids.map((id) => h.publish('interaction.ended', { interactionId: id, reason: 'completed', agentId: owner.get(id) })));
    await expectEventually(async () => {
      for (const agentId of ['e1', 'e2']) expect((await h.ok('GET', `/v1/agents/${agentId}`)).state).toBe('wrap_up');
    });
    for (const id of ids) expect(await h.ok('GET', `/v1/interactions/${id}/routing`)).toMatchObject({ status: 'ended' });
    for (const agentId of ['e1', 'e2']) {
      expect(h.of('agent.state_changed', (e) => e.data.agentId === agentId && e.data.state === 'wrap_up')).toHaveLength(1);
    }
  });

  it('accepts an offer once when the agent answers it twice at once (any letter case), and never for another agent', async () => {
    await h.queue('qa', { channel: 'chat', requiredSkills: { twice: 1 } });
    await h.agent('acc1', { skills: { twice: 1 } });
    await h.agent('acc2', { skills: { other: 1 } });
    await h.create('acc-i1', { queueId: 'qa', channel: 'chat' });
    await expectEventually(() => expect(h.of('routing.offered', (e) => e.data.interactionId === 'acc-i1')).toHaveLength(1));
    const offerId = h.of('routing.offered', (e) => e.data.interactionId === 'acc-i1')[0]!.data.offerId;
    expect((await h.call('POST', `/v1/offers/${offerId}/accept`, undefined, h.agentToken('acc2'))).status).toBe(403);
    const answers = await Promise.all([
      h.call('POST', `/v1/offers/${offerId}/accept`, undefined, h.agentToken('acc1')),
      h.call('POST', `/v1/offers/${offerId.toUpperCase()}/accept`, undefined, h.agentToken('acc1')),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 200)?.body).toMatchObject({ offerId, status: 'accepted', interactionId: 'acc-i1' });
    await expectEventually(() => expect(h.of('routing.assigned', (e) => e.data.interactionId === 'acc-i1')).toHaveLength(1));
    expect((await h.ok('GET', '/v1/interactions/acc-i1/routing')).agentId).toBe('acc1');
  });

  it('queues an arrival once: the same event again, in one batch or later, and another event for the interaction add nothing', async () => {
    await h.queue('qd', { channel: 'chat', requiredSkills: { nobody: 1 } });
    const arrival = () => createEvent({
      type: 'interaction.created', tenantid: h.tenant, source: '/test',
      data: { interactionId: 'dup1', channel: 'chat', direction: 'inbound', queueId: 'qd', customer: { id: 'cust-dup1' } },
    });
    const batcher = h.app.app.get(CreatedBatcher);
    const first = arrival();
    await Promise.all([batcher.add(first), batcher.add(first)]);
    await batcher.add(first);
    await batcher.add(arrival());
    await expectEventually(() => expect(h.of('routing.queued', (e) => e.data.interactionId === 'dup1')).toHaveLength(1));
    expect((await h.ok('GET', '/v1/interactions/dup1/routing')).status).toBe('queued');
    // Whatever else was published meanwhile is out by now: still the one event.
    await h.create('dup-marker', { queueId: 'qd', channel: 'chat' });
    await expectEventually(() => expect(h.of('routing.queued', (e) => e.data.interactionId === 'dup-marker')).toHaveLength(1));
    expect(h.of('routing.queued', (e) => e.data.interactionId === 'dup1')).toHaveLength(1);
  });

  it('serves every tenant with waiting work in one round, each with its own ids and sticky settings', async () => {
    const other = await h.otherTenant();
    try {
      await other.ok('PUT', '/v1/settings/wellbeing', { stickyEnabled: false });
      for (const t of [h, other]) {
        await t.queue('mt', { channel: 'email', requiredSkills: { tenants: 1 } });
        await t.agent('mt-a', { skills: { tenants: 2 } });
      }
      // The same interaction, customer and agent ids in both tenants.
      await h.create('mt-1', { queueId: 'mt', channel: 'email' });
      await other.create('mt-1', { queueId: 'mt', channel: 'email' });
      await expectEventually(() => {
        expect(h.of('routing.offered', (e) => e.data.interactionId === 'mt-1')).toHaveLength(1);
        expect(other.of('routing.offered', (e) => e.data.interactionId === 'mt-1')).toHaveLength(1);
      });
      const sticky = (t: RoutingHarness) => t.of('routing.offered', (e) => e.data.interactionId === 'mt-1')[0]!.data.explanation?.rules?.find((r) => r.rule === 'sticky')?.outcome;
      expect(sticky(h)).toBe('not applicable');
      expect(sticky(other)).toBe('disabled');
    } finally {
      await other.detach();
    }
  });

  it('rejects bad input with problem+json naming the fields, and scopes agents to themselves', async () => {
    const bad = await h.call('PUT', '/v1/queues/qx', { name: 'x', channel: 'fax', strategy: 'random' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('channel');
    const other = await h.call('POST', '/v1/agents/a2/state', { state: 'break' }, h.agentToken('a1'));
    expect(other.status).toBe(403);
    const self = await h.call('POST', '/v1/agents/a2/state', { state: 'break' }, h.agentToken('a2'));
    expect(self.status).toBe(200);
    const agentPut = await h.call('PUT', '/v1/agents/zz', { name: 'zz' }, h.agentToken('zz'));
    expect(agentPut.status).toBe(403);
    for (const path of ['/v1/queues/%00', '/v1/queues/q%00/status', '/v1/interactions/%00/routing', '/v1/agents/a%00']) {
      expect((await h.call('GET', path)).status).toBe(400);
    }
    expect((await h.call('PUT', '/v1/agents/nul', { name: 'x\u0000y' })).status).toBe(400);
  });
  it('offer timers survive a restart: the next process times the offer out and offers elsewhere', async () => {
    await h.queue('tq', { channel: 'email', requiredSkills: { timers: 1 }, offerTimeoutSeconds: 4 });
    await h.agent('t1', { skills: { timers: 1 } });
    await h.create('tm1', { queueId: 'tq', channel: 'email' });
    await expectEventually(() => expect(h.of('routing.offered', (e) => e.data.interactionId === 'tm1')).toHaveLength(1));
    const offer = h.of('routing.offered', (e) => e.data.interactionId === 'tm1')[0]!;
    await h.app.close();
    expect(Date.now()).toBeLessThan(Date.parse(offer.data.expiresAt));
    h.apps[0] = await startTestApp(AppModule, ns, { env: { ROUTING_TICK_MS: '100' } });
    await h.agent('t2', { skills: { timers: 1 } });
    await expectEventually(() => expect(h.of('routing.offer_timed_out', (e) => e.data.offerId === offer.data.offerId)).toHaveLength(1), { timeoutMs: 15_000 });
    await expectEventually(() => expect(h.of('routing.offered', (e) => e.data.interactionId === 'tm1' && e.data.agentId === 't2')).toHaveLength(1));
  });
});
