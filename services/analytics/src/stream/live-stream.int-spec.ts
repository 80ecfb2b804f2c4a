import type { AnyCloudEvent } from '@switchboard/contracts';
import { EventPublisher } from '@switchboard/platform';
import { buildEvent, createTestNamespace, expectEventually, startTestApp, uniqueId, uniqueTenant, type TestApp, type TestNamespace } from '@switchboard/testing';
import { AppModule } from '../app.module';

interface Frame {
  event: string;
  id: string;
  data: AnyCloudEvent;
}

/** An open SSE connection: the frames received so far. */
async function openStream(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; frames: Frame[]; close(): void; text(): Promise<string> }> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const frames: Frame[] = [];
  if (response.status === 200 && response.body) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = Object.fromEntries(
              block
                .split('\n')
                .filter((line) => !line.startsWith(':') && line.includes(': '))
                .map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]),
            ) as Record<string, string>;
            if (fields['event'] && fields['data']) frames.push({ event: fields['event'], id: fields['id'] ?? '', data: JSON.parse(fields['data']) as AnyCloudEvent });
          }
        }
      } catch {
        // aborted
      }
    })();
  }
  return { status: response.status, type: response.headers.get('content-type'), frames, close: () => controller.abort(), text: () => response.text() };
}

describe('live stream (GET /v1/stream, Server-Sent Events)', () => {
  let ns: TestNamespace;
  let app: TestApp;
  /** A second replica: events are consumed by either, and clients of both hear everything. */
  let replica: TestApp;
  let publisher: EventPublisher;
  const tenant = uniqueTenant('sse');

  beforeAll(async () => {
    ns = createTestNamespace('analytics_stream');
    [app, replica] = await Promise.all([0, 1].map(() => startTestApp(AppModule, ns, { env: { ANALYTICS_KPI_MIN_GAP_MS: '100' } })));
    publisher = app.app.get(EventPublisher);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([app.close(), replica.close()]);
    await ns.cleanup();
  }, 30_000);

  it('pushes snapshots, alerts, kudos and state changes of the tenant from every replica; agents see only their own', async () => {
    const agentId = uniqueId('agent');
    const supervisor = await openStream(`${replica.url}/v1/stream?access_token=${app.token({ tenant, role: 'supervisor', sub: 'sup' })}`);
    const agent = await openStream(`${app.url}/v1/stream`, { authorization: `Bearer ${app.token({ tenant, role: 'agent', sub: agentId })}` });
    const foreign = await openStream(`${app.url}/v1/stream`, { authorization: `Bearer ${app.token({ tenant: uniqueTenant('x'), role: 'supervisor', sub: 's' })}` });
    try {
      expect(supervisor.status).toBe(200);
      expect(supervisor.type).toContain('text/event-stream');
      // The tenant's live snapshot straight away.
      await expectEventually(() => expect(supervisor.frames.map((f) => f.event)).toContain('analytics.kpi_snapshot'));

      const interactionId = uniqueId('int');
      await publisher.publishMany([
        buildEvent('agent.state_changed', { tenantid: tenant, data: { agentId, state: 'busy' } }),
        buildEvent('agent.state_changed', { tenantid: tenant, data: { agentId: 'someone-else', state: 'available' } }),
        buildEvent('interaction.created', { tenantid: tenant, data: { interactionId, queueId: 'billing', channel: 'chat', customer: { id: 'cust-1' } } }),
        buildEvent('interaction.answered', { tenantid: tenant, data: { interactionId, agentId } }),
        buildEvent('interaction.utterance', { tenantid: tenant, data: { interactionId, speaker: 'customer', text: 'you are useless' } }),
        buildEvent('interaction.utterance', { tenantid: tenant, data: { interactionId, speaker: 'customer', text: 'thank you so much, that fixed it' } }),
      ]);
      const forSupervisor = await expectEventually(() => {
        const types = supervisor.frames.map((f) => f.event);
        expect(types).toEqual(expect.arrayContaining(['agent.state_changed', 'analytics.abuse_detected', 'analytics.kudos']));
        // Snapshots follow the facts as they commit: the latest one of the queue counts everything.
        const queue = supervisor.frames.filter((f) => f.event === 'analytics.kpi_snapshot' && (f.data.data as { queueId?: string }).queueId === 'billing').at(-1);
        expect(queue?.data.data).toMatchObject({ kpis: { offered: 1, answered: 1 } });
        return supervisor.frames;
      });
      expect(forSupervisor.filter((f) => f.event === 'agent.state_changed').map((f) => (f.data.data as { agentId: string }).agentId).sort()).toEqual(
        [agentId, 'someone-else'].sort(),
      );
      for (const frame of forSupervisor) {
        expect(frame.data.tenantid).toBe(tenant);
        expect(frame.id).toBe(frame.data.id);
      }

      await expectEventually(() => expect(agent.frames.map((f) => f.event)).toEqual(expect.arrayContaining(['agent.state_changed', 'analytics.abuse_detected', 'analytics.kudos'])));
      expect(agent.frames.filter((f) => f.event !== 'analytics.kpi_snapshot').every((f) => (f.data.data as { agentId?: string }).agentId === agentId)).toBe(true);
      expect(foreign.frames.filter((f) => f.event !== 'analytics.kpi_snapshot')).toEqual([]);
      expect(foreign.frames.every((f) => f.data.tenantid !== tenant)).toBe(true);
    } finally {
      supervisor.close();
      agent.close();
      foreign.close();
    }
  }, 30_000);

  it('refuses a missing or wrong token, the ingest role and unknown event types with problem+json', async () => {
    const missing = await openStream(`${app.url}/v1/stream`);
    expect(missing.status).toBe(401);
    const bad = await openStream(`${app.url}/v1/stream?access_token=not-a-token`);
    expect(bad.status).toBe(401);
    const ingest = await openStream(`${app.url}/v1/stream`, { authorization: `Bearer ${app.token({ tenant, role: 'ingest' })}` });
    expect(ingest.status).toBe(403);
    const types = await openStream(`${app.url}/v1/stream?types=analytics.nope&access_token=${app.token({ tenant, role: 'admin', sub: 'a' })}`);
    expect(types.status).toBe(400);
    expect(types.type).toContain('application/problem+json');
  });
});
