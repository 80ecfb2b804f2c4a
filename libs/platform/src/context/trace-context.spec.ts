import { childTraceparent, newTraceparent, parseTraceparent } from './trace-context';

describe('W3C trace context', () => {
  it('parses a valid traceparent and rejects malformed or all-zero ones', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: '01',
    });
    expect(parseTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeUndefined();
    expect(parseTraceparent('garbage')).toBeUndefined();
    expect(parseTraceparent(undefined)).toBeUndefined();
  });

  it('continues the trace with a new span', () => {
    const parent = newTraceparent();
    const child = childTraceparent(parent);
    expect(parseTraceparent(child)?.traceId).toBe(parseTraceparent(parent)?.traceId);
    expect(parseTraceparent(child)?.spanId).not.toBe(parseTraceparent(parent)?.spanId);
    expect(parseTraceparent(childTraceparent('bad'))).toBeDefined();
  });
});
