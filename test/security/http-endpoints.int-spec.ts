import fc from 'fast-check';
import { ROLES, type Role } from '@switchboard/platform';
import { buildEvent, expectEventually, uniqueId, uniqueTenant } from '@switchboard/testing';
import { AttackLog } from './support/attack-log';
import { forgedCredentials } from './support/forged-tokens';
import { openApiRoutes, Platform, routeKey, SERVICE_NAMES, SERVICES, type HttpResult, type Route, type ServiceName } from './support/services';
import { ENDPOINTS, expectedStatus, PUBLIC_BASE_URL, World, type Prepared } from './support/world';

jest.setTimeout(120_000);

const FUZZ_RUNS = Number(process.env['SECURITY_FUZZ_RUNS'] ?? 10);

/** Strings that stress every layer: any unicode, NUL, CR/LF, path tricks, JSON noise and very long ones. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', '\ud800', 'a\r\nb', '..', '../../etc/passwd', '%2e%2e%2f', '\u202eevil', "' OR 1=1 --", '{"$gt":""}', '__proto__', 'constructor', '<script>', '${7*7}', 'x'.repeat(5000), '9'.repeat(400), '-1', '1e309', 'NaN'),
);
const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 3 }), nasty, fc.constant({ __proto__: { admin: true } }), fc.constant(null));

function scrub(prepared: Prepared, marker: string): Prepared {
  const body = prepared.body === undefined ? undefined : (JSON.parse(JSON.stringify(prepared.body).split(marker).join('intruder')) as unknown);
  const raw = typeof prepared.raw === 'string' ? prepared.raw.split(marker).join('intruder') : prepared.raw;
  return { ...prepared, body, raw };
}

/**
 * Failures grouped by what went wrong (status, media type, problem code), each with the routes it happened on:
 * one platform-level defect shows as one line, not one per route.
 */
function grouped(failures: { route: string; res: HttpResult; detail: string }[]): string[] {
  const groups = new Map<string, { routes: string[]; example: string }>();
  for (const f of failures) {
    const code = String(f.res.body['code'] ?? f.res.body['error'] ?? '');
    const key = `${f.res.status} ${f.res.contentType.split(';')[0]} ${code}`;
    const group = groups.get(key) ?? { routes: [], example: `${f.route}: ${f.detail}: ${describeResult(f.res)}` };
    if (!group.routes.includes(f.route)) group.routes.push(f.route);
    groups.set(key, group);
  }
  return [...groups].map(([key, g]) => `${key} on ${g.routes.length} route(s) [${g.routes.join(', ')}], e.g. ${g.example}`);
}

function isProblem(res: HttpResult): boolean {
  return res.contentType.startsWith('application/problem+json') && res.body['status'] === res.status && typeof res.body['title'] === 'string';
}

/** Every byte percent-encoded (lone surrogates become U+FFFD, as any client would send them). */
function percentEncode(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

function describeResult(res: HttpResult): string {
  return `${res.status} ${res.contentType.split(';')[0]} ${res.text.slice(0, 160)}`;
}

/** At most `max` characters of a path or body in a failure message. */
const clip = (value: string, max = 80) => (value.length > max ? `${value.slice(0, max)}…(${value.length} chars)` : value);

describe('security: every HTTP endpoint of the four services', () => {
  let p: Platform;
  let a: World;
  let routes: Route[];
  let discovered: Route[];
  const log = new AttackLog('http-endpoints');

  const send = (route: Route, prepared: Prepared, token: string | undefined, extra: { authorization?: string } = {}) =>
    p.call(route.service, route.method, prepared.path, {
      ...prepared,
      token,
      headers: { ...prepared.headers, ...(extra.authorization === undefined ? {} : { authorization: extra.authorization }) },
    });

  beforeAll(async () => {
    p = await Platform.start({
      intake: { INTAKE_PUBLIC_BASE_URL: PUBLIC_BASE_URL, INTAKE_RATE_LIMIT_PER_SECOND: '100000' },
      routing: { ROUTING_TICK_MS: '100' },
      notify: { NOTIFY_MAX_ATTEMPTS: '1', NOTIFY_DELIVERY_TIMEOUT_MS: '500', NOTIFY_DELIVERY_POLL_MS: '100' },
    });
    discovered = p.routes();
    // Routes without a row fail the first test; the others run on every route that has one.
    routes = discovered.filter((r) => routeKey(r) in ENDPOINTS);
    a = new World(p);
    await a.seed();
  }, 240_000);

  afterAll(async () => {
    process.stdout.write(`\nAttack cases per endpoint (${log.total()} in this spec):\n${log.write()}\n`);
    await p?.close();
  });

  it('has a row in the role matrix for every route the services register, and documents every route it exposes', async () => {
    const registered = discovered.map(routeKey);
    expect(registered.filter((k) => !(k in ENDPOINTS))).toEqual([]);
    expect(Object.keys(ENDPOINTS).filter((k) => !registered.includes(k))).toEqual([]);
    for (const route of routes) expect([route.public, routeKey(route)]).toEqual([ENDPOINTS[routeKey(route)]!.public === true, routeKey(route)]);
    const documented = (await Promise.all(SERVICE_NAMES.map((s) => openApiRoutes(s, p.apps[s])))).flat();
    const undocumented = discovered.filter((r) => !r.path.startsWith('/health') && r.path !== '/metrics').map(routeKey).filter((k) => !documented.includes(k));
    expect(undocumented).toEqual([]);
  });

  it('answers each endpoint for each role as the role matrix says (2xx, 403, or 404 when hidden)', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const spec = ENDPOINTS[routeKey(route)]!;
      for (const role of ROLES) {
        const prepared = await spec.prepare(a, role);
        const res = await send(route, prepared, a.token(role));
        log.add(routeKey(route), 'role matrix');
        const outcome = spec.roles[role];
        if (!expectedStatus(outcome)(res.status)) failures.push(`${routeKey(route)} as ${role}: expected ${outcome}, got ${describeResult(res)}`);
        if (res.status >= 400 && !isProblem(res)) failures.push(`${routeKey(route)} as ${role}: not problem+json: ${describeResult(res)}`);
      }
      if (spec.agentScoped) {
        const res = await send(route, spec.agentScoped(a), a.token('agent'));
        log.add(routeKey(route), 'role matrix');
        if (res.status !== 403 || !isProblem(res)) failures.push(`${routeKey(route)} as another agent: expected 403, got ${describeResult(res)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses missing, tampered, expired, alg-none, wrong-algorithm and wrong-secret tokens with 401 problem+json everywhere', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => !r.public || ENDPOINTS[routeKey(r)]!.authenticates)) {
      const prepared = await ENDPOINTS[routeKey(route)]!.prepare(a, 'admin');
      const role = (Object.entries(ENDPOINTS[routeKey(route)]!.roles).find(([, o]) => o === 'ok')?.[0] ?? 'admin') as Role;
      const credentials = forgedCredentials({ tenant: a.tenant, role, sub: a.agentId });
      const results = await Promise.all(credentials.map((c) => send(route, prepared, undefined, c.authorization === undefined ? {} : { authorization: c.authorization })));
      log.add(routeKey(route), 'forged tokens', credentials.length);
      results.forEach((res, i) => {
        const c = credentials[i]!;
        if (res.status !== 401 || !isProblem(res) || res.body['code'] !== c.code) failures.push(`${routeKey(route)} with ${c.name}: expected 401 ${c.code}, got ${describeResult(res)}`);
      });
    }
    expect(failures).toEqual([]);
  });

  it("never shows or changes one tenant's data to another tenant's tokens", async () => {
    const b = new World(p, uniqueTenant('intruder'));
    const snapshot = async () => ({
      agents: ((await a.ok('routing', 'GET', '/v1/agents'))['items'] as Record<string, unknown>[]).map((x) => [x['id'], x['name'], x['skills'], x['capacity']]),
      queue: await a.ok('routing', 'GET', `/v1/queues/${a.queueId}`),
      settings: await a.ok('routing', 'GET', '/v1/settings/wellbeing'),
      subscriptions: await a.ok('notify', 'GET', '/v1/subscriptions'),
      preferences: await a.ok('notify', 'GET', `/v1/recipients/${a.agentId}/preferences`),
      twilio: await a.ok('intake', 'GET', '/v1/integrations/twilio'),
      insights: await a.ok('analytics', 'GET', `/v1/interactions/${a.interactionId}/insights`),
    });
    // A fresh notification of A's agent, still unacknowledged.
    await p.publish('notify', [buildEvent('analytics.kudos', { tenantid: a.tenant, data: { agentId: a.agentId, quote: `kudos ${a.marker}` } })]);
    const fresh = await expectEventually(async () => {
      const res = await p.call('notify', 'GET', '/v1/inbox', { token: a.token('agent') });
      const items = res.body['items'] as { id: string }[];
      expect(items.length).toBeGreaterThan(0);
      return items.map((n) => n.id);
    });
    const before = await snapshot();
    const failures: string[] = [];
    // B's tokens name A's agent as their subject: only the tenant differs.
    const intruders = (['admin', 'supervisor', 'agent', 'ingest'] as const).map((role) => ({ role, token: b.token(role, role === 'agent' ? a.agentId : undefined) }));
    for (const route of routes.filter((r) => !r.public || ENDPOINTS[routeKey(r)]!.authenticates)) {
      // A's ids in the path (prepared as for a role that creates nothing for A); the body B sends carries none of
      // A's marked values, since B's own writes echo B's body.
      const prepared = scrub(await ENDPOINTS[routeKey(route)]!.prepare(a, 'ingest'), a.marker);
      for (const { role, token } of intruders) {
        const res = await send(route, prepared, token);
        log.add(routeKey(route), 'cross-tenant');
        if (res.text.includes(a.marker) || res.text.includes(a.twilioAuthToken)) failures.push(`${routeKey(route)} as tenant B ${role} leaked tenant A data: ${describeResult(res)}`);
        if (res.status >= 500) failures.push(`${routeKey(route)} as tenant B ${role}: ${describeResult(res)}`);
      }
    }
    for (const id of fresh) {
      const res = await p.call('notify', 'POST', `/v1/inbox/${id}/ack`, { token: b.token('agent', a.agentId) });
      log.add('notify POST /v1/inbox/:id/ack', 'cross-tenant');
      if (res.status !== 404) failures.push(`tenant B acknowledged tenant A's notification ${id}: ${describeResult(res)}`);
    }
    // Events and webhooks naming tenant A, sent with tenant B's credentials.
    const foreign = buildEvent('interaction.created', { tenantid: a.tenant, data: { interactionId: uniqueId('int'), queueId: a.queueId } });
    const posted = await p.call('intake', 'POST', '/v1/events', { token: b.token('ingest'), body: foreign, contentType: 'application/cloudevents+json' });
    const connect = await p.call('intake', 'POST', `/v1/webhooks/amazon-connect/${a.tenant}`, { token: b.token('ingest'), body: {} });
    log.add('intake POST /v1/events', 'cross-tenant');
    log.add('intake POST /v1/webhooks/amazon-connect/:tenant', 'cross-tenant');
    expect([posted.status, posted.body['code']]).toEqual([403, expect.any(String)]);
    expect([connect.status, connect.body['code']]).toEqual([403, 'AUTH.TENANT_MISMATCH']);
    const archive = await p.call('intake', 'GET', `/v1/events?interactionId=${foreign.data.interactionId}`, { token: a.token('admin') });
    expect(archive.body['events']).toEqual([]);

    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
    const inbox = (await p.call('notify', 'GET', '/v1/inbox', { token: a.token('agent') })).body['items'] as { id: string }[];
    expect(inbox.map((n) => n.id)).toEqual(expect.arrayContaining(fresh));
  });

  it('answers fuzzed path parameters, query strings and bodies with a 4xx problem+json or a 2xx, never a 5xx', async () => {
    const tenant = uniqueTenant('fuzz');
    const failures: { route: string; res: HttpResult; detail: string }[] = [];
    const mediaTypes = ['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'];
    for (const route of routes) {
      const spec = ENDPOINTS[routeKey(route)]!;
      const role = (Object.entries(spec.roles).find(([, o]) => o === 'ok')?.[0] ?? 'admin') as Role;
      const token = p.token(tenant, role, role === 'agent' ? 'agent-fuzz' : undefined);
      const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
      await fc.assert(
        fc.asyncProperty(
          fc.array(nasty, { minLength: 4, maxLength: 4 }),
          fc.dictionary(fc.constantFrom('limit', 'since', 'status', 'cursor', 'from', 'to', 'type', 'types', 'interactionId', 'includeAcked', 'subscriptionId', 'window', 'minutes', 'date', 'agentId', 'access_token', 'x'), nasty, { maxKeys: 3 }),
          fc.oneof(jsonish.map((v) => JSON.stringify(v) ?? ''), fc.string({ maxLength: 60 }), fc.constant('{"a":')),
          fc.constantFrom(...mediaTypes),
          async (params, query, raw, contentType) => {
            let i = 0;
            const path = route.path.replace(/:\w+/g, () => percentEncode(params[i++ % params.length]!));
            const qs = new URLSearchParams(Object.entries(query)).toString();
            const res = await p.call(route.service, route.method, `${path}${qs ? `?${qs}` : ''}`, {
              token,
              ...(hasBody ? { raw, contentType } : {}),
            });
            log.add(routeKey(route), 'fuzz');
            if (res.status >= 500 || (res.status >= 400 && !isProblem(res))) failures.push({ route: routeKey(route), res, detail: `${route.method} ${clip(path)}?${clip(qs)} body ${clip(raw, 40)}` });
          },
        ),
        { numRuns: FUZZ_RUNS },
      );
    }
    expect(grouped(failures)).toEqual([]);
  });

  it('refuses oversized bodies with 413 and survives deeply nested, very wide and very long inputs without a 5xx', async () => {
    const tenant = uniqueTenant('big');
    const failures: { route: string; res: HttpResult; detail: string }[] = [];
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const deepObject = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])));
    // Just past each service's body limit (BODY_LIMIT_BYTES unset: the service's default, else 1 MiB).
    const huge = (service: ServiceName) => JSON.stringify({ text: 'x'.repeat((SERVICES[service].description.defaultBodyLimitBytes ?? 1024 * 1024) + 1024) });
    for (const route of routes) {
      const spec = ENDPOINTS[routeKey(route)]!;
      const role = (Object.entries(spec.roles).find(([, o]) => o === 'ok')?.[0] ?? 'admin') as Role;
      const token = p.token(tenant, role, role === 'agent' ? 'agent-big' : undefined);
      const longParam = route.path.replace(/:\w+/g, 'a'.repeat(10_000));
      const cases: [string, string, string | undefined, string | undefined][] = [
        ['long path parameter', longParam, undefined, undefined],
        ['NUL in path parameter', route.path.replace(/:\w+/g, 'a%00b'), undefined, undefined],
        ['control characters in path parameter', route.path.replace(/:\w+/g, '%0d%0a%1b%7f'), undefined, undefined],
        ['long query string', `${route.path.replace(/:\w+/g, 'x1')}?${'q=1&'.repeat(20_000)}`, undefined, undefined],
      ];
      if (['POST', 'PUT', 'PATCH'].includes(route.method)) {
        const path = route.path.replace(/:\w+/g, 'x1');
        cases.push(['body over the limit', path, huge(route.service), 'application/json'], ['100k-deep array', path, deep, 'application/json'], ['20k-deep object', path, deepObject, 'application/json'], ['20k keys', path, wide, 'application/json']);
      }
      for (const [name, path, raw, contentType] of cases) {
        const res = await p.call(route.service, route.method, path, { token, ...(raw === undefined ? {} : { raw, contentType }) });
        log.add(routeKey(route), 'oversized');
        if (res.status >= 500 || (res.status >= 400 && !isProblem(res)) || (name === 'body over the limit' && res.status !== 413)) failures.push({ route: routeKey(route), res, detail: name });
      }
    }
    expect(grouped(failures)).toEqual([]);
  });
});
