import { exampleEvent } from './examples';
import { cloudEventEnvelopeSchema } from './envelope';
import { parseCloudEvent } from './parse-cloud-event';

const valid = exampleEvent('interaction.answered');

function issuePaths(input: Record<string, unknown>): string[] {
  const result = parseCloudEvent(input);
  return result.success ? [] : result.issues.map((issue) => issue.path);
}

describe('cloudEventEnvelopeSchema', () => {
  it('accepts a complete envelope of any type without checking data', () => {
    expect(cloudEventEnvelopeSchema.safeParse({ ...valid, type: 'vendor.whatever', data: 42 }).success).toBe(true);
  });

  it('accepts the minimal envelope (optional attributes absent)', () => {
    const { subject: _s, datacontenttype: _d, traceparent: _t, ...minimal } = valid;
    expect(parseCloudEvent(minimal).success).toBe(true);
  });

  it.each([
    ['specversion', { specversion: '0.3' }],
    ['specversion', { specversion: undefined }],
    ['id', { id: '' }],
    ['id', { id: 'x'.repeat(257) }],
    ['id', { id: 42 }],
    ['source', { source: '' }],
    ['source', { source: 's'.repeat(1025) }],
    ['type', { type: '' }],
    ['time', { time: '2025-03-01T09:00:00' }],
    ['time', { time: '2025-03-01' }],
    ['time', { time: 'yesterday' }],
    ['tenantid', { tenantid: 'Acme' }],
    ['tenantid', { tenantid: '-acme' }],
    ['tenantid', { tenantid: 'a'.repeat(41) }],
    ['tenantid', { tenantid: undefined }],
    ['traceparent', { traceparent: '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }],
    ['traceparent', { traceparent: '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01' }],
    ['datacontenttype', { datacontenttype: 'text/plain' }],
    ['subject', { subject: 's'.repeat(257) }],
    ['data', { data: undefined }],
  ])('rejects an invalid %s', (path, overrides) => {
    expect(issuePaths({ ...valid, ...overrides })).toContain(path);
  });

  it('accepts times with a numeric offset and fractional seconds', () => {
    expect(parseCloudEvent({ ...valid, time: '2025-03-01T10:00:00.123456+01:00' }).success).toBe(true);
  });

  it('accepts the longest tenant id and digits-first tenant ids', () => {
    expect(parseCloudEvent({ ...valid, tenantid: 'a'.repeat(40) }).success).toBe(true);
    expect(parseCloudEvent({ ...valid, tenantid: '42-corp' }).success).toBe(true);
  });

  it('accepts unknown extension attributes and drops them from the result', () => {
    const result = parseCloudEvent({ ...valid, partitionkey: 'x', dataschema: 'urn:x' });
    expect(result.success).toBe(true);
    if (result.success) expect(result.event).not.toHaveProperty('partitionkey');
  });

  it('reports a non-object message at the root path', () => {
    const result = parseCloudEvent('not an event');
    expect(result).toEqual({ success: false, issues: [expect.objectContaining({ path: '' })] });
  });
});
