import { ConfigValidationError } from '@switchboard/platform';
import { loadWebConfig } from './web.config';

describe('web configuration', () => {
  it('runs with no configuration at all: port 3000, the services on 3001-3004', () => {
    const config = loadWebConfig({});
    expect(config.http).toEqual({ host: '0.0.0.0', port: 3000 });
    expect(config.upstreams).toEqual({
      intake: 'http://127.0.0.1:3001',
      routing: 'http://127.0.0.1:3002',
      analytics: 'http://127.0.0.1:3003',
      notify: 'http://127.0.0.1:3004',
    });
    expect(config.nats).toEqual({ url: 'nats://127.0.0.1:4222', namespace: '' });
  });

  it('treats empty variables as unset', () => {
    expect(loadWebConfig({ PORT: '', ROUTING_URL: '' }).http.port).toBe(3000);
  });

  it('names every invalid variable', () => {
    let caught: unknown;
    try {
      loadWebConfig({ PORT: 'eighty', ANALYTICS_URL: 'ftp://example.com', NATS_NAMESPACE: 'Not-OK', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    expect((caught as ConfigValidationError).issues.map((issue) => issue.variable).sort()).toEqual(['ANALYTICS_URL', 'LOG_LEVEL', 'NATS_NAMESPACE', 'PORT']);
  });
});
