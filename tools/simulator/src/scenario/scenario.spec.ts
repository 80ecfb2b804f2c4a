import { join } from 'node:path';
import { createRandom } from '../core/random';
import { plannedArrivals, recontactPlan, scriptedPlan } from '../runtime/contact-plan';
import { agentSpecs } from '../runtime/tenant-setup';
import { DEMO_SCENARIO_PATH, steadyLoadScenario } from './builtin';
import { loadScenarioFile, parseScenario, parseScenarioText, ScenarioError } from './load-scenario';

const minimal = {
  agents: [{ id: 'a', skills: { support: 2 } }],
  queues: [{ id: 'q', channel: 'voice', ratePerMinute: 6, personas: { routine: 3, grateful: 1 } }],
};

function problems(input: unknown, source = 'test.yaml'): string[] {
  try {
    parseScenario(input, source);
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  throw new Error('expected the scenario to be refused');
}

describe('scenario files', () => {
  it('fills defaults', () => {
    const scenario = parseScenario(minimal);
    expect(scenario).toMatchObject({ tenant: 'demo', seed: 1, speed: 1, script: [] });
    expect(scenario.agents[0]).toMatchObject({ count: 1, languages: ['en'], startState: 'available', behaviour: { missRate: 0.03 } });
    expect(scenario.queues[0]).toMatchObject({ sla: { percent: 80, seconds: 20 }, strategy: 'longest-idle', twilioShare: 0, transcripts: true });
  });

  it('names every offending field with its path', () => {
    expect(problems({ ...minimal, speed: 0, queues: [{ id: 'q', channel: 'fax' }], agents: [{ id: 'a', skills: { x: 9 } }] })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^speed: /),
        expect.stringMatching(/^queues\[0\]\.channel: /),
        expect.stringMatching(/^agents\[0\]\.skills\.x: /),
      ]),
    );
    expect(problems({ ...minimal, surprise: true })).toEqual([expect.stringMatching(/surprise/)]);
  });

  it('checks references and duplicates across the file', () => {
    const found = problems({
      ...minimal,
      agents: [{ id: 'a', count: 3 }, { id: 'a-002' }],
      queues: [...minimal.queues, { id: 'q', channel: 'chat', twilioShare: 0.5 }],
      script: [
        { label: 'x', queue: 'nowhere', persona: 'harasser' },
        { label: 'x', queue: 'q', persona: 'grateful', after: 'missing' },
      ],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        'queues[1].id: duplicate queue id "q"',
        'queues[1].twilioShare: Twilio callbacks carry voice calls only',
        'agents[1].id: duplicate agent id "a-002"',
        'script[0].queue: unknown queue "nowhere"',
        'script[1].label: duplicate label "x"',
        'script[1].after: no contact is labelled "missing"',
      ]),
    );
  });

  it('reads YAML and JSON and says where a syntax error is', () => {
    expect(parseScenarioText('agents: [{id: a}]\nqueues: [{id: q, channel: chat}]\n', 'x.yaml').queues[0]?.channel).toBe('chat');
    expect(parseScenarioText(JSON.stringify(minimal), 'x.json').agents).toHaveLength(1);
    expect(() => parseScenarioText('{"agents": [', 'broken.json')).toThrow(/broken\.json:\n {2}- not valid JSON/);
    expect(() => parseScenarioText('agents: [\n', 'broken.yaml')).toThrow(/not valid YAML/);
    expect(() => loadScenarioFile(join(__dirname, 'no-such-file.yaml'))).toThrow(/cannot be read/);
  });

  it('ships a valid demo scenario with every persona and two new hires', () => {
    const demo = loadScenarioFile(DEMO_SCENARIO_PATH);
    const personas = new Set(demo.queues.flatMap((q) => Object.keys(q.personas)));
    expect([...personas].sort()).toEqual(['chatter', 'grateful', 'harasser', 'repeat', 'routine', 'vip-churner', 'yeller']);
    expect(agentSpecs(demo).filter((a) => a.group.tenureDays < 30)).toHaveLength(2);
  });

  it('expands agent groups into numbered agents', () => {
    const scenario = steadyLoadScenario({ tenant: 't', perSecond: 10, agents: 500, queues: 10 });
    const ids = agentSpecs(scenario).map((a) => a.id);
    expect(ids).toHaveLength(500);
    expect(new Set(ids).size).toBe(500);
    expect(ids[0]).toBe('load-q0-001');
  });
});

describe('contact plans', () => {
  const scenario = parseScenario({ ...minimal, durationSeconds: 600, queues: [...minimal.queues, { id: 'chat', channel: 'chat', ratePerMinute: 2, personas: { repeat: 1 } }] });

  it('are the same for the same seed, in time order, within the duration', () => {
    const one = [...plannedArrivals(scenario, createRandom(5))];
    const two = [...plannedArrivals(scenario, createRandom(5))];
    const other = [...plannedArrivals(scenario, createRandom(6))];
    expect(two).toEqual(one);
    expect(other).not.toEqual(one);
    expect(one.every((p, i) => i === 0 || p.at >= (one[i - 1]?.at ?? 0))).toBe(true);
    expect(one.every((p) => p.at < 600)).toBe(true);
    // 8 per minute over 10 minutes.
    expect(one.length).toBeGreaterThan(50);
    expect(one.length).toBeLessThan(115);
    expect(new Set(one.map((p) => p.seq)).size).toBe(one.length);
    expect(one.filter((p) => p.queueId === 'chat').every((p) => p.persona === 'repeat' && p.channel === 'chat')).toBe(true);
  });

  it('have the customers of their run: another run of the same seed plans the same contacts for other customers', () => {
    const one = [...plannedArrivals(scenario, createRandom(5), { customerSalt: 11 })];
    const again = [...plannedArrivals(scenario, createRandom(5), { customerSalt: 11 })];
    const next = [...plannedArrivals(scenario, createRandom(5), { customerSalt: 4_242_424 })];
    expect(again).toEqual(one);
    const strip = (plans: typeof one) => plans.map(({ customer: _customer, ...rest }) => rest);
    expect(strip(next)).toEqual(strip(one));
    const ids = (plans: typeof one) => new Set(plans.map((p) => p.customer.id));
    const shared = [...ids(next)].filter((id) => ids(one).has(id));
    expect(shared).toEqual([]);
    // Within a run, every customer of a persona other than routine is new; routine ones come from a pool (numbers 1–20,000).
    const unique = one.filter((p) => p.persona !== 'routine');
    expect(new Set(unique.map((p) => p.customer.id)).size).toBe(unique.length);
    for (const p of [...one, ...next].filter((plan) => plan.persona === 'routine')) {
      const number = Number(/^cust-r-(\d+)$/.exec(p.customer.id)?.[1]);
      expect(number).toBeGreaterThanOrEqual(1);
      expect(number).toBeLessThanOrEqual(20_000);
    }
  });

  it('scale with the rate factor', () => {
    const base = [...plannedArrivals(scenario, createRandom(5))].length;
    const doubled = [...plannedArrivals(scenario, createRandom(5), { rateFactor: 2 })].length;
    expect(doubled / base).toBeGreaterThan(1.6);
    expect(doubled / base).toBeLessThan(2.4);
  });

  it('bring a repeat caller back with the same customer and the next conversation, as often as the persona does', () => {
    const queue = scenario.queues[1]!;
    const first = scriptedPlan({ at: 0, queue: 'chat', persona: 'repeat', script: 0, via: 'events', customer: { id: 'c-1' } }, queue, 1, createRandom(1));
    const again = recontactPlan(first, 2, 100, createRandom(2))!;
    expect(again).toMatchObject({ customer: { id: 'c-1' }, queueId: 'chat', scriptIndex: 1, contactNumber: 1, at: 100 });
    expect(recontactPlan(again, 3, 200, createRandom(3))).toBeUndefined();
  });
});
