import { createTestNamespace, expectEventually, uniqueTenant, type TestNamespace } from '@switchboard/testing';
import { FakeEslServer } from '../../../test/fake-telephony-servers';
import { IntakeHarness } from '../../../test/intake.harness';
import { sampleBytes, sampleNames } from '../../../test/samples';

jest.setTimeout(30_000);

describe('FreeSWITCH event socket client', () => {
  let ns: TestNamespace;
  let h: IntakeHarness;

  beforeAll(async () => {
    ns = createTestNamespace('intake_esl');
    h = await IntakeHarness.start(ns, { INTAKE_INTEGRATION_SYNC_MS: '200', INTAKE_SOCKET_BACKOFF_MS: '20', INTAKE_SOCKET_BACKOFF_MAX_MS: '200' });
  });

  afterAll(async () => {
    await h.close();
    await ns.cleanup();
  });

  const configure = (tenant: string, body: Record<string, unknown>) => h.request('PUT', '/v1/integrations/freeswitch', { body, token: h.token(tenant, 'admin') });
  const status = async (tenant: string) => (await h.request('GET', '/v1/integrations/freeswitch', { token: h.token(tenant, 'admin') })).body;
  const events = async (tenant: string) => (await h.streamEvents('CC_INTERACTIONS')).filter((e) => e.tenantid === tenant);

  it('authenticates, subscribes and maps every published CHANNEL_* sample (exact bytes) it can, rejecting the rest', async () => {
    const tenant = uniqueTenant();
    const server = await FakeEslServer.start('ClueCon');
    try {
      expect((await configure(tenant, { host: '127.0.0.1', port: server.port, password: 'ClueCon', defaultQueueId: 'support' })).status).toBe(200);
      await expectEventually(async () => expect((await status(tenant))['connection']).toMatchObject({ state: 'connected' }));
      expect(server.received).toEqual(['auth ClueCon', 'event plain CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_HOLD CHANNEL_UNHOLD CHANNEL_HANGUP_COMPLETE']);
      expect(JSON.stringify(await status(tenant))).not.toContain('ClueCon');

      for (const name of sampleNames('freeswitch', /^CHANNEL_.*\.txt$/)) server.sendEvent(sampleBytes('freeswitch', name));

      await expectEventually(async () => expect(await events(tenant)).toHaveLength(5));
      const all = await events(tenant);
      expect(all.map((e) => [e.type, (e.data as { interactionId: string }).interactionId, (e.data as { agentId?: string }).agentId])).toEqual([
        ['interaction.answered', 'freeswitch-c9bbde8b-379b-45d4-b193-3f761a44f3e2', '1000'],
        ['interaction.answered', 'freeswitch-071ed3fa-8af6-11de-9ab6-91a5c9f91e77', '1000'],
        ['interaction.created', 'freeswitch-89aaa4da-8a14-11de-9ab6-91a5c9f91e77', undefined],
        ['interaction.created', 'freeswitch-e5a82e39-6dc1-4d7d-a300-aa9cd4284073', undefined],
        ['interaction.ended', 'freeswitch-e5a82e39-6dc1-4d7d-a300-aa9cd4284073', undefined],
      ]);
      expect(all[2]).toMatchObject({ source: '/intake/freeswitch', time: '2009-08-16T03:26:08.131Z', data: { queueId: 'support', direction: 'inbound' } });
      await expectEventually(async () => expect((await h.archivedIds(tenant)).size).toBe(5));
    } finally {
      await server.close();
    }
  });

  it('reconnects after a disconnect notice, de-duplicates replayed events and reports a refused password', async () => {
    const tenant = uniqueTenant();
    const server = await FakeEslServer.start('right');
    try {
      await configure(tenant, { host: '127.0.0.1', port: server.port, password: 'wrong' });
      await expectEventually(async () => expect((await status(tenant))['connection']).toMatchObject({ detail: expect.stringContaining('-ERR invalid') }));
      await configure(tenant, { host: '127.0.0.1', port: server.port, password: 'right' });
      await expectEventually(() => expect(server.connected).toBe(1));
      const create = sampleBytes('freeswitch', 'CHANNEL_CREATE_example1.txt');
      server.sendEvent(create);
      await expectEventually(async () => expect(await events(tenant)).toHaveLength(1));
      const logins = server.logins;
      server.send('Content-Type: text/disconnect-notice\nContent-Length: 0\n\n');
      await expectEventually(() => {
        expect(server.logins).toBeGreaterThan(logins);
        expect(server.connected).toBe(1);
      });
      // The same event again after the reconnect (e.g. seen by a second connection): published once.
      server.sendEvent(create);
      server.sendEvent(sampleBytes('freeswitch', 'CHANNEL_HANGUP_COMPLETE_example1.txt'));
      await expectEventually(async () => expect(await events(tenant)).toHaveLength(3));
      expect((await events(tenant)).map((e) => e.type)).toEqual(['interaction.created', 'interaction.created', 'interaction.ended']);
    } finally {
      await server.close();
    }
  });
});
