import type { FastifyInstance } from 'fastify';
import { buildWebServer } from './server';
import { loadWebConfig } from './web.config';

/** The web app on its own, in front of services that are not running. */
describe('web server', () => {
  let app: FastifyInstance;
  const closed = 'http://127.0.0.1:9';

  beforeAll(async () => {
    app = await buildWebServer(
      loadWebConfig({
        LOG_LEVEL: 'silent', INTAKE_URL: closed, ROUTING_URL: closed, ANALYTICS_URL: closed, NOTIFY_URL: closed,
        WEB_UPSTREAM_TIMEOUT_MS: '500', WEB_TRANSCRIPT_AUTHORIZE_TIMEOUT_MS: '0',
      }),
    );
  }, 30_000);

  afterAll(async () => {
    await app.close();
  });

  it('serves the pages with a strict content security policy', async () => {
    for (const path of ['/', '/dashboard', '/console']) {
      const response = await app.inject({ method: 'GET', url: path });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    }
    const script = await app.inject({ method: 'GET', url: '/static/js/dashboard.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
  });

  it('serves the chart library build and nothing else from its package', async () => {
    expect((await app.inject({ method: 'GET', url: '/vendor/chart.js/chart.umd.min.js' })).statusCode).toBe(200);
    const other = await app.inject({ method: 'GET', url: '/vendor/chart.js/chart.cjs' });
    expect(other.statusCode).toBe(404);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers 502 problem+json when a service does not answer', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/routing/v1/agents', headers: { authorization: 'Bearer x' } });
    expect(response.statusCode).toBe(502);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 502, code: 'WEB.UPSTREAM_UNAVAILABLE' });
  });

  it('is live at once and ready only when every service is', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(Object.keys(ready.json().services)).toEqual(['intake', 'routing', 'analytics', 'notify']);
  });

  it('refuses bad transcript requests with problem+json', async () => {
    const badId = await app.inject({ method: 'GET', url: '/api/console/v1/interactions/bad%20id/transcript?access_token=x' });
    expect(badId.statusCode).toBe(400);
    expect(badId.json()).toMatchObject({ code: 'VALIDATION.INVALID_INPUT' });
    const unknownParam = await app.inject({ method: 'GET', url: '/api/console/v1/interactions/i-1/transcript?foo=1' });
    expect(unknownParam.statusCode).toBe(400);
    const badSince = await app.inject({ method: 'GET', url: '/api/console/v1/interactions/i-1/transcript?access_token=x&since=yesterday' });
    expect(badSince.statusCode).toBe(400);
    expect(badSince.json().detail).toContain('since');
    const noToken = await app.inject({ method: 'GET', url: '/api/console/v1/interactions/i-1/transcript' });
    expect(noToken.statusCode).toBe(401);
    expect(noToken.json()).toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    const notATenantToken = await app.inject({ method: 'GET', url: '/api/console/v1/interactions/i-1/transcript?access_token=abc.def.ghi' });
    expect(notATenantToken.statusCode).toBe(401);
  });

  it('answers 404 for anything else, as problem+json', async () => {
    const response = await app.inject({ method: 'GET', url: '/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'HTTP.NOT_FOUND' });
  });
});
