import { planConsumers, type HandlerBinding } from './consumer-plan';
import { consumerConfig } from './consumer-runner';
import type { ConsumerTuning } from './messaging.options';
import { namer } from './naming';

const binding = (name: string, types: HandlerBinding['types'], consumer?: string): HandlerBinding => ({
  name,
  types,
  ...(consumer ? { consumer } : {}),
  handle: async () => undefined,
});

describe('planConsumers', () => {
  it('makes one durable per service and stream by default', () => {
    const plans = planConsumers('routing', [
      binding('A.created', ['interaction.created']),
      binding('A.ended', ['interaction.ended']),
      binding('B.state', ['agent.state_changed']),
    ]);
    expect(plans.map((p) => [p.durable, p.stream.name, [...p.handlers.keys()]])).toEqual([
      ['routing-cc_interactions', 'CC_INTERACTIONS', ['interaction.created', 'interaction.ended']],
      ['routing-cc_agents', 'CC_AGENTS', ['agent.state_changed']],
    ]);
  });

  it('splits a handler with several types across the streams of those types', () => {
    const plans = planConsumers('analytics', [binding('X.any', ['interaction.utterance', 'routing.assigned'])]);
    expect(plans.map((p) => p.durable)).toEqual(['analytics-cc_interactions', 'analytics-cc_routing']);
  });

  it('gives a named consumer its own durable on the same stream', () => {
    const plans = planConsumers('notify', [
      binding('A.one', ['analytics.kudos']),
      binding('B.two', ['analytics.kudos'], 'kudos-mail'),
    ]);
    expect(plans.map((p) => [p.durable, p.stream.name])).toEqual([
      ['notify-cc_analytics', 'CC_ANALYTICS'],
      ['notify-kudos-mail', 'CC_ANALYTICS'],
    ]);
  });

  it('takes the largest concurrency its bindings ask for, per consumer only', () => {
    const plans = planConsumers('analytics', [
      { ...binding('A.utterance', ['interaction.utterance'], 'insights'), concurrency: 256 },
      { ...binding('A.ended', ['interaction.ended'], 'insights'), concurrency: 64 },
      binding('B.created', ['interaction.created']),
    ]);
    expect(plans.map((p) => [p.durable, p.concurrency])).toEqual([
      ['analytics-insights', 256],
      ['analytics-cc_interactions', undefined],
    ]);
    expect([...(plans[0]?.typeConcurrency ?? [])]).toEqual([
      ['interaction.utterance', 256],
      ['interaction.ended', 64],
    ]);
    expect(plans[1]?.typeConcurrency.size).toBe(0);
  });

  it('keeps every handler of a type, in registration order', () => {
    const [plan] = planConsumers('s', [binding('first', ['agent.state_changed']), binding('second', ['agent.state_changed'])]);
    expect(plan?.handlers.get('agent.state_changed')?.map((h) => h.name)).toEqual(['first', 'second']);
  });

  it('refuses a consumer name that is not a valid durable name', () => {
    expect(() => planConsumers('s', [binding('x', ['agent.state_changed'], 'no.dots')])).toThrow(/Invalid consumer name/);
  });

  it("filters a durable of one event type to that type's subject, and one of several types to its stream's", () => {
    const tuning: ConsumerTuning = { concurrency: 8, maxAckPending: 32, ackWaitMs: 30_000, maxDeliver: 5, backoff: { baseMs: 100, maxMs: 1000 } };
    const [single, several] = planConsumers('analytics', [
      binding('A.summarized', ['analytics.interaction_summarized']),
      binding('B.lifecycle', ['interaction.created', 'interaction.ended']),
    ]);
    const names = namer('t1');
    expect(consumerConfig(single!, names, tuning).filter_subject).toBe('t1.cc.*.analytics.interaction_summarized');
    expect(consumerConfig(several!, names, tuning).filter_subject).toBe('t1.cc.*.interaction.>');
  });
});
