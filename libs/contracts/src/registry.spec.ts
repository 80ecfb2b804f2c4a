import { EVENT_CATALOG } from './catalog';
import { EVENT_TYPES, eventDataSchemas, isEventType } from './registry';
import { STREAMS } from './streams';

describe('registry', () => {
  it('lists 28 distinct event types, each with a data schema', () => {
    expect(EVENT_TYPES).toHaveLength(28);
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
    expect(Object.keys(eventDataSchemas)).toEqual(EVENT_TYPES);
  });

  it('recognises event types', () => {
    expect(isEventType('routing.offer_rescinded')).toBe(true);
    expect(isEventType('routing.offer_rescinded.v2')).toBe(false);
    expect(isEventType('toString')).toBe(false);
    expect(isEventType('')).toBe(false);
  });

  it('uses lower-case snake_case names prefixed by a stream family', () => {
    const families = STREAMS.map((stream) => stream.category);
    for (const type of EVENT_TYPES) {
      expect(type).toMatch(/^[a-z]+\.[a-z_]+$/);
      expect(families).toContain(type.split('.')[0]);
    }
  });

  it('catalogues every type once, in registry order', () => {
    expect(EVENT_CATALOG.map((entry) => entry.type)).toEqual(EVENT_TYPES);
    for (const entry of EVENT_CATALOG) expect(entry.summary.length).toBeGreaterThan(10);
  });

  it('names routing, analytics and notify as producers of their own families', () => {
    for (const entry of EVENT_CATALOG) {
      const family = entry.type.split('.')[0];
      if (family === 'routing' || family === 'analytics' || family === 'notify') expect(entry.producer).toBe(family);
    }
  });
});
