import { AppModule } from '../app.module';
import { createTestNamespace, startTestApp, uniqueTenant, type TestApp, type TestNamespace } from '@switchboard/testing';

describe('POST /v1/analyze', () => {
  let ns: TestNamespace;
  let app: TestApp;
  let auth: Record<string, string>;

  beforeAll(async () => {
    ns = createTestNamespace('analytics_analyze');
    app = await startTestApp(AppModule, ns);
    auth = { authorization: `Bearer ${app.token({ tenant: uniqueTenant(), role: 'agent', sub: 'agent-1' })}`, 'content-type': 'application/json' };
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await ns.cleanup();
  });

  const post = (path: string, body: unknown) => fetch(`${app.url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });

  it('scores one text in the documented shape', async () => {
    const response = await post('/v1/analyze', { text: 'what colour is your underwear today?' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      sentiment: { compound: 0, label: 'neutral' },
      abusive: { detected: true, categories: ['sexual_harassment'] },
      gratitude: { detected: false },
      smallTalk: { detected: expect.any(Boolean) as boolean },
    });
  });

  it('scores a batch in order', async () => {
    const response = await post('/v1/analyze/batch', { texts: ['I love this, thank you!', 'This is terrible.', 'hello there'] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { results: { sentiment: { label: string }; gratitude: { detected: boolean } }[] };
    expect(body.results.map((r) => r.sentiment.label)).toEqual(['positive', 'negative', 'neutral']);
    expect(body.results[0]?.gratitude.detected).toBe(true);
  });

  it('refuses bad input with problem+json naming the field', async () => {
    const empty = await post('/v1/analyze', { text: '' });
    expect(empty.status).toBe(400);
    expect(empty.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(await empty.json())).toContain('text');
    const tooMany = await post('/v1/analyze/batch', { texts: Array.from({ length: 1001 }, () => 'hi') });
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(await tooMany.json())).toContain('texts');
  });

  it('needs a bearer token', async () => {
    const response = await fetch(`${app.url}/v1/analyze`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hi"}' });
    expect(response.status).toBe(401);
  });
});
