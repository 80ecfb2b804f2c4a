import { decodeItems, encodeBatch, type FanoutItem } from './fanout-message';

describe('fan-out announcement', () => {
  const origin = '6f1c2a8e-0d4b-4c55-9a43-1f2e3d4c5b6a';

  it('carries every frame unchanged, whatever it contains, after the origin line', () => {
    const items: FanoutItem[] = [
      { tenant: 'acme', recipient: 'agent:a-1', id: 'n-1', message: JSON.stringify({ type: 'notification', data: { quote: 'line\nbreak\tand tab "quoted" ✓' } }) },
      { tenant: 'acme', recipient: 'supervisors', id: 'n-2', message: '{"type":"notification"}' },
      { tenant: 'other\ttenant', recipient: 'agent:\n', id: 'n-3', message: '{}' },
    ];
    const text = encodeBatch(origin, items);
    expect(text.startsWith(`${origin}\n`)).toBe(true);
    expect(text.split('\n')).toHaveLength(items.length + 1);
    expect(decodeItems(text)).toEqual(items);
  });

  it('an announcement of nothing decodes to nothing', () => {
    expect(decodeItems(encodeBatch(origin, []))).toEqual([]);
  });

  it.each([
    ['a line that is not JSON', `${origin}\nnot json\t{}`],
    ['a header that is not [tenant, recipient, id]', `${origin}\n["acme","agent:a-1"]\t{}`],
    ['an empty id', `${origin}\n["acme","agent:a-1",""]\t{}`],
    ['a line without a frame', `${origin}\n["acme","agent:a-1","n-1"]`],
  ])('refuses %s', (_what, text) => {
    expect(() => decodeItems(text)).toThrow();
  });
});
