import { EVENT_TYPES } from './registry';
import { DEAD_LETTER_STREAM, STREAMS, deadLetterSubject, streamForType } from './streams';
import { subjectFor } from './subjects';

/** NATS subject matching: `*` matches one token, `>` one or more trailing tokens. */
function matches(filter: string, subject: string): boolean {
  const filterTokens = filter.split('.');
  const subjectTokens = subject.split('.');
  for (let index = 0; index < filterTokens.length; index += 1) {
    const token = filterTokens[index];
    if (token === '>') return subjectTokens.length > index;
    if (index >= subjectTokens.length) return false;
    if (token !== '*' && token !== subjectTokens[index]) return false;
  }
  return filterTokens.length === subjectTokens.length;
}

describe('wildcard matcher (test helper)', () => {
  it.each([
    ['cc.*.routing.>', 'cc.acme.routing.offered', true],
    ['cc.*.routing.>', 'cc.acme.routing', false],
    ['cc.*.routing.>', 'cc.acme.interaction.created', false],
    ['cc.*.agent.state_changed', 'cc.acme.agent.state_changed', true],
    ['cc.*.agent.state_changed', 'cc.acme.agent.state_changed.v2', false],
    ['dlq.>', 'dlq.routing.offers', true],
  ])('%s vs %s → %s', (filter, subject, expected) => {
    expect(matches(filter, subject)).toBe(expected);
  });
});

describe('streams', () => {
  const allStreams = [...STREAMS, DEAD_LETTER_STREAM];

  it('defines the five event streams and the dead letter stream', () => {
    expect(STREAMS.map((stream) => [stream.name, stream.subjects])).toEqual([
      ['CC_INTERACTIONS', ['cc.*.interaction.>']],
      ['CC_AGENTS', ['cc.*.agent.>']],
      ['CC_ROUTING', ['cc.*.routing.>']],
      ['CC_ANALYTICS', ['cc.*.analytics.>']],
      ['CC_NOTIFY', ['cc.*.notify.>']],
    ]);
    expect(DEAD_LETTER_STREAM).toMatchObject({ name: 'CC_DEADLETTER', subjects: ['dlq.>'], category: 'deadletter' });
  });

  it('has no two streams whose subjects overlap for any event', () => {
    for (const type of EVENT_TYPES) {
      const subject = subjectFor('acme', type);
      const holders = allStreams.filter((stream) => stream.subjects.some((filter) => matches(filter, subject)));
      expect(holders).toHaveLength(1);
    }
  });

  it.each(EVENT_TYPES)('%s maps to exactly the stream that captures its subject', (type) => {
    const stream = streamForType(type);
    expect(stream.category).toBe(type.split('.')[0]);
    for (const tenant of ['acme', '0', 'a'.repeat(40)]) {
      const subject = subjectFor(tenant, type);
      expect(stream.subjects.some((filter) => matches(filter, subject))).toBe(true);
      const others = allStreams.filter((other) => other !== stream && other.subjects.some((filter) => matches(filter, subject)));
      expect(others).toEqual([]);
    }
  });

  it('maps a versioned type to its family stream', () => {
    expect(streamForType('routing.offered.v2').name).toBe('CC_ROUTING');
  });

  it.each(['billing.charged', 'deadletter.x', 'dlq.routing.x', ''])('throws for a type of no family: %p', (type) => {
    expect(() => streamForType(type)).toThrow(/stream/);
  });

  it('builds dead letter subjects captured by the dead letter stream', () => {
    const subject = deadLetterSubject('routing', 'offers-timeout');
    expect(subject).toBe('dlq.routing.offers-timeout');
    expect(DEAD_LETTER_STREAM.subjects.some((filter) => matches(filter, subject))).toBe(true);
    expect(() => deadLetterSubject('routing', 'a.b')).toThrow();
    expect(() => deadLetterSubject('', 'x')).toThrow();
  });
});
