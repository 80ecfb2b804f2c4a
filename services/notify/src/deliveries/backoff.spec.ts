import { createHmac } from 'node:crypto';
import { retryDelayMs } from './backoff';
import { signatureHeader } from './channel-sender';

describe('retry backoff', () => {
  it('grows exponentially under a cap, with full jitter', () => {
    expect(retryDelayMs(1, 100, 10_000, () => 0.999)).toBe(99);
    expect(retryDelayMs(4, 100, 10_000, () => 0.999)).toBe(799);
    expect(retryDelayMs(20, 100, 10_000, () => 0.999)).toBe(9_990);
    expect(retryDelayMs(3, 100, 10_000, () => 0)).toBe(1);
  });
});

describe('webhook signature', () => {
  it('is t=<unix>,v1=<hmac_sha256(secret, t.body)>', () => {
    const header = signatureHeader('s3cret-s3cret-s3cret', '{"a":1}', 1_700_000_000);
    const expected = createHmac('sha256', 's3cret-s3cret-s3cret').update('1700000000.{"a":1}').digest('hex');
    expect(header).toBe(`t=1700000000,v1=${expected}`);
  });
});
