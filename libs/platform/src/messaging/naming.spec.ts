import {
  assertNamespace,
  durableName,
  namer,
  namespacedDurable,
  namespacedStream,
  namespacedSubject,
  stripNamespace,
} from './naming';

describe('naming', () => {
  it('leaves names alone in the empty (production) namespace', () => {
    expect(namespacedSubject('', 'cc.acme.interaction.created')).toBe('cc.acme.interaction.created');
    expect(namespacedStream('', 'CC_INTERACTIONS')).toBe('CC_INTERACTIONS');
    expect(namespacedDurable('', 'routing-cc_interactions')).toBe('routing-cc_interactions');
    expect(stripNamespace('', 'cc.acme.interaction.created')).toBe('cc.acme.interaction.created');
  });

  it('prefixes subjects, wildcards, streams and durables with the namespace', () => {
    expect(namespacedSubject('t1a2', 'cc.*.interaction.>')).toBe('t1a2.cc.*.interaction.>');
    expect(namespacedSubject('t1a2', 'dlq.routing.x')).toBe('t1a2.dlq.routing.x');
    expect(namespacedStream('t1a2', 'CC_DEADLETTER')).toBe('T1A2_CC_DEADLETTER');
    expect(namespacedDurable('t1a2', 'routing-cc_agents')).toBe('t1a2-routing-cc_agents');
  });

  it('strips the namespace and refuses subjects from another namespace', () => {
    expect(stripNamespace('t1', 't1.cc.acme.agent.state_changed')).toBe('cc.acme.agent.state_changed');
    expect(stripNamespace('t1', 't2.cc.acme.agent.state_changed')).toBeUndefined();
    expect(stripNamespace('t1', 't1cc.acme.agent.state_changed')).toBeUndefined();
  });

  it('names durables per service and stream, or per named consumer', () => {
    expect(durableName('routing', 'CC_INTERACTIONS')).toBe('routing-cc_interactions');
    expect(durableName('routing', 'CC_INTERACTIONS', 'offer-timeouts')).toBe('routing-offer-timeouts');
    expect(() => durableName('routing', 'CC_INTERACTIONS', 'bad.name')).toThrow(/Invalid consumer name/);
    expect(() => durableName('routing', 'CC_INTERACTIONS', 'a b')).toThrow(/Invalid consumer name/);
  });

  it('accepts only lower-case alphanumeric namespaces', () => {
    expect(() => assertNamespace('')).not.toThrow();
    expect(() => assertNamespace('t0abc')).not.toThrow();
    expect(() => assertNamespace('T0')).toThrow();
    expect(() => assertNamespace('a.b')).toThrow();
    expect(() => namer('a-b')).toThrow();
  });

  it('binds the functions to one namespace', () => {
    const n = namer('ns');
    expect(n.subject('cc.a.b')).toBe('ns.cc.a.b');
    expect(n.stream('S')).toBe('NS_S');
    expect(n.durable('d')).toBe('ns-d');
    expect(n.strip('ns.cc.a.b')).toBe('cc.a.b');
  });
});
