import { createHmac } from 'node:crypto';
import { createTestNamespace, startTestApp, type TestApp, type TestNamespace, TEST_JWT_SECRET } from '@switchboard/testing';
import { signToken } from '@switchboard/platform';
import { NotesAppModule } from './notes.fixture';

describe('platform over HTTP (real NATS, Postgres, Redis)', () => {
  let ns: TestNamespace;
  let svc: TestApp;
  const admin = (tenant = 'acme') => svc.token({ tenant, role: 'admin' });

  beforeAll(async () => {
    ns = createTestNamespace('platform');
    svc = await startTestApp(NotesAppModule, ns, { env: { BODY_LIMIT_BYTES: '4096' } });
  });

  afterAll(async () => {
    await svc?.close();
    await ns?.cleanup();
  });

  const call = (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return fetch(svc.url + path, { ...init, headers });
  };

  async function expectProblem(response: Response, status: number, code?: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = (await response.json()) as { status: number; code: string; title: string; type: string; errors?: { field: string }[] };
    expect(body.status).toBe(status);
    expect(body.title).toEqual(expect.any(String));
    expect(body.type).toMatch(/^https:\/\//);
    if (code) expect(body.code).toBe(code);
    return body;
  }

  it('answers liveness and readiness with NATS, Postgres and Redis up', async () => {
    expect((await call('/health/live')).status).toBe(200);
    const ready = await call('/health/ready');
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; info: Record<string, { status: string }> };
    expect(body.status).toBe('ok');
    expect(Object.keys(body.info).sort()).toEqual(['nats', 'postgres', 'redis']);
  });

  it('exposes Prometheus metrics and the OpenAPI document without a token', async () => {
    await call('/v1/notes', { token: admin() });
    const metrics = await (await call('/metrics')).text();
    expect(metrics).toContain('sb_http_request_duration_seconds_bucket');
    expect(metrics).toContain('process_cpu_user_seconds_total');
    const doc = (await (await call('/docs/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/notes', '/v1/notes/{id}', '/health/ready']));
    expect((await call('/docs')).status).toBe(200);
  });

  it('migrates the service schema and records the migrations there', async () => {
    const { Client } = await import('pg');
    const client = new Client({ connectionString: ns.databaseUrl });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [ns.dbSchema],
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(['migrations', 'note', 'outbox', 'processed_event']);
    } finally {
      await client.end();
    }
  });

  describe('authentication', () => {
    it('refuses a request without a token with 401 problem+json', async () => {
      const response = await call('/v1/notes');
      await expectProblem(response, 401, 'AUTH.TOKEN_MISSING');
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    });

    it('refuses a token signed with another secret', async () => {
      const forged = signToken({ tenant: 'acme', role: 'admin' }, 'another-secret-of-enough-length');
      await expectProblem(await call('/v1/notes', { token: forged }), 401, 'AUTH.TOKEN_INVALID');
    });

    it('refuses an expired token', async () => {
      const expired = signToken({ tenant: 'acme', role: 'admin' }, TEST_JWT_SECRET, -10);
      await expectProblem(await call('/v1/notes', { token: expired }), 401, 'AUTH.TOKEN_EXPIRED');
    });

    it('refuses an unsigned (alg none) token and one signed with another algorithm', async () => {
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const claims = b64({ tenant: 'acme', role: 'admin', exp: Math.floor(Date.now() / 1000) + 60 });
      const none = `${b64({ alg: 'none', typ: 'JWT' })}.${claims}.`;
      await expectProblem(await call('/v1/notes', { token: none }), 401, 'AUTH.TOKEN_INVALID');
      const h512 = `${b64({ alg: 'HS512', typ: 'JWT' })}.${claims}`;
      const sig = createHmac('sha512', TEST_JWT_SECRET).update(h512).digest('base64url');
      await expectProblem(await call('/v1/notes', { token: `${h512}.${sig}` }), 401, 'AUTH.TOKEN_INVALID');
    });

    it('refuses a token whose claims are not Switchboard claims', async () => {
      const { JwtService } = await import('@nestjs/jwt');
      const jwt = new JwtService({ secret: TEST_JWT_SECRET });
      await expectProblem(await call('/v1/notes', { token: jwt.sign({ tenant: 'ACME!', role: 'admin' }) }), 401, 'AUTH.CLAIMS_INVALID');
      await expectProblem(await call('/v1/notes', { token: jwt.sign({ tenant: 'acme', role: 'root' }) }), 401, 'AUTH.CLAIMS_INVALID');
      await expectProblem(await call('/v1/notes', { token: jwt.sign({ tenant: 'acme', role: 'agent' }) }), 401, 'AUTH.CLAIMS_INVALID');
    });

    it('answers 403 when the role may not call the route', async () => {
      const agent = svc.token({ tenant: 'acme', role: 'agent', sub: 'agent-1' });
      await expectProblem(
        await call('/v1/notes', { method: 'POST', token: agent, body: JSON.stringify({ text: 'x', priority: 1 }) }),
        403,
        'AUTH.ROLE_REQUIRED',
      );
    });
  });

  describe('tenant scoping', () => {
    it("never shows tenant A's data to a token of tenant B", async () => {
      const created = await call('/v1/notes', {
        method: 'POST',
        token: admin('tenant-a'),
        body: JSON.stringify({ text: 'A only', priority: 2 }),
      });
      expect(created.status).toBe(201);
      const note = (await created.json()) as { id: string; tenant: string };
      expect(note.tenant).toBe('tenant-a');

      expect((await call(`/v1/notes/${note.id}`, { token: admin('tenant-a') })).status).toBe(200);
      await expectProblem(await call(`/v1/notes/${note.id}`, { token: admin('tenant-b') }), 404, 'NOTES.NOT_FOUND');
      const list = (await (await call('/v1/notes', { token: admin('tenant-b') })).json()) as { items: unknown[] };
      expect(list.items).toEqual([]);
    });
  });

  describe('bad input', () => {
    it('names every offending field', async () => {
      const response = await call('/v1/notes', { method: 'POST', token: admin(), body: JSON.stringify({ text: '', priority: 'high' }) });
      const body = await expectProblem(response, 400, 'VALIDATION.INVALID_INPUT');
      expect(body.errors?.map((e) => e.field).sort()).toEqual(['priority', 'text']);
    });

    it('rejects a malformed path parameter', async () => {
      const body = await expectProblem(await call('/v1/notes/not-a-uuid', { token: admin() }), 400);
      expect(body.errors?.[0]?.field).toBe('id');
    });

    it('answers malformed JSON with 400 problem+json', async () => {
      await expectProblem(await call('/v1/notes', { method: 'POST', token: admin(), body: '{"text": "unterminated' }), 400);
    });

    it('answers an unsupported media type with 415', async () => {
      const response = await call('/v1/notes', {
        method: 'POST',
        token: admin(),
        body: '<note/>',
        headers: { 'content-type': 'application/xml' },
      });
      await expectProblem(response, 415, 'HTTP.UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers an oversized body with 413', async () => {
      const response = await call('/v1/notes', {
        method: 'POST',
        token: admin(),
        body: JSON.stringify({ text: 'x'.repeat(10_000), priority: 1 }),
      });
      await expectProblem(response, 413, 'HTTP.PAYLOAD_TOO_LARGE');
    });

    it('accepts structured +json media types as JSON', async () => {
      const response = await call('/v1/notes', {
        method: 'POST',
        token: admin(),
        body: JSON.stringify({ text: 'cloud', priority: 1 }),
        headers: { 'content-type': 'application/cloudevents+json' },
      });
      expect(response.status).toBe(201);
    });

    it('answers a path parameter over the router limit with 414 problem+json', async () => {
      await expectProblem(await call(`/v1/notes/${'a'.repeat(500)}`, { token: admin() }), 414, 'HTTP.URI_TOO_LONG');
    });

    it('answers request headers over the parser limit with 431 problem+json', async () => {
      const response = await call('/v1/notes', { token: admin(), headers: { 'x-padding': 'p'.repeat(20_000) } });
      await expectProblem(response, 431, 'HTTP.HEADERS_TOO_LARGE');
    });

    it('answers an unknown route with 404 problem+json', async () => {
      await expectProblem(await call('/v1/nowhere', { token: admin() }), 404, 'HTTP.NOT_FOUND');
    });
  });

  it('continues an incoming trace and echoes the trace context', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await call('/v1/notes', { token: admin(), headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    expect(response.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });
});
