import { z } from 'zod';
import { ConfigValidationError, parseEnv, toPlatformConfig } from './platform-config';

describe('platform configuration', () => {
  it('defaults to the standard local servers so a fresh checkout runs', () => {
    const config = toPlatformConfig('routing', 3002, parseEnv('routing', {}));
    expect(config).toMatchObject({
      service: 'routing',
      http: { port: 3002, host: '0.0.0.0' },
      nats: { url: 'nats://127.0.0.1:4222', namespace: '' },
      database: { url: 'postgres://postgres@127.0.0.1:5432/switchboard', schema: 'routing' },
      redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'sb:routing:' },
    });
  });

  it('takes PORT and the server URLs from the environment', () => {
    const env = parseEnv('intake', { PORT: '4001', DATABASE_URL: 'postgresql://u:p@db:5432/x', REDIS_URL: 'rediss://cache:6380' });
    const config = toPlatformConfig('intake', 3001, env);
    expect(config.http.port).toBe(4001);
    expect(config.database.url).toBe('postgresql://u:p@db:5432/x');
    expect(config.redis.url).toBe('rediss://cache:6380');
  });

  it('fails fast naming every invalid variable', () => {
    let error: unknown;
    try {
      parseEnv('notify', { PORT: 'eighty', DATABASE_URL: 'mysql://x', JWT_SECRET: 'short', NATS_NAMESPACE: 'Bad-NS' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const issues = (error as ConfigValidationError).issues.map((i) => i.variable).sort();
    expect(issues).toEqual(['DATABASE_URL', 'JWT_SECRET', 'NATS_NAMESPACE', 'PORT']);
    expect((error as Error).message).toContain('Invalid configuration for notify');
  });

  it("validates a service's own variables alongside the platform's", () => {
    const schema = z.object({ OFFER_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(20) });
    expect(parseEnv('routing', {}, schema).OFFER_TIMEOUT_SECONDS).toBe(20);
    expect(() => parseEnv('routing', { OFFER_TIMEOUT_SECONDS: '-1' }, schema)).toThrow(/OFFER_TIMEOUT_SECONDS/);
  });

  it('takes the stream replica count from NATS_STREAM_REPLICAS and leaves it unset otherwise', () => {
    expect(toPlatformConfig('routing', 3002, parseEnv('routing', { NATS_STREAM_REPLICAS: '3' })).nats.streamReplicas).toBe(3);
    expect(toPlatformConfig('routing', 3002, parseEnv('routing', {})).nats.streamReplicas).toBeUndefined();
    expect(() => parseEnv('routing', { NATS_STREAM_REPLICAS: '0' })).toThrow(/NATS_STREAM_REPLICAS/);
  });

  it('takes the consumers\' ack wait from NATS_ACK_WAIT_MS and leaves it unset otherwise', () => {
    expect(toPlatformConfig('notify', 3004, parseEnv('notify', { NATS_ACK_WAIT_MS: '2000' })).nats.ackWaitMs).toBe(2000);
    expect(toPlatformConfig('notify', 3004, parseEnv('notify', {})).nats.ackWaitMs).toBeUndefined();
    expect(() => parseEnv('notify', { NATS_ACK_WAIT_MS: '10' })).toThrow(/NATS_ACK_WAIT_MS/);
  });

  it('treats empty variables as unset', () => {
    expect(parseEnv('x', { PORT: '' }).PORT).toBeUndefined();
  });
});
