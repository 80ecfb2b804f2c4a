import type { AnyCloudEvent } from '@switchboard/contracts';
import { createTestNamespace, expectEventually, uniqueTenant, type TestNamespace } from '@switchboard/testing';
import { FakeAmiServer } from '../../../test/fake-telephony-servers';
import { IntakeHarness } from '../../../test/intake.harness';
import { amiFromTemplate, sampleBytes } from '../../../test/samples';

jest.setTimeout(30_000);

/** The caller channels of the published originate traffic. */
const CALLER = { Channel: 'SIP/ddddd-00000000', Uniqueid: '1414510600.0', Linkedid: '1414510600.0', CallerIDNum: '259', CallerIDName: 'S F' };
const OTHER = { Channel: 'SIP/uuuuu-00000001', Uniqueid: '1414510609.3', Linkedid: '1414510609.3', CallerIDNum: '254', CallerIDName: 'L G' };
const channelFields = { ChannelState: '6', ChannelStateDesc: 'Up', ConnectedLineNum: '', ConnectedLineName: '', Language: 'en', AccountCode: '', Context: 'default', Exten: '254', Priority: '1' };

describe('Asterisk AMI client', () => {
  let ns: TestNamespace;
  let h: IntakeHarness;

  beforeAll(async () => {
    ns = createTestNamespace('intake_ami');
    h = await IntakeHarness.start(ns, { INTAKE_INTEGRATION_SYNC_MS: '200', INTAKE_SOCKET_BACKOFF_MS: '20', INTAKE_SOCKET_BACKOFF_MAX_MS: '200' });
  });

  afterAll(async () => {
    await h.close();
    await ns.cleanup();
  });

  const configure = (tenant: string, body: Record<string, unknown>) => h.request('PUT', '/v1/integrations/asterisk', { body, token: h.token(tenant, 'admin') });
  const status = async (tenant: string) => (await h.request('GET', '/v1/integrations/asterisk', { token: h.token(tenant, 'admin') })).body;
  const events = async (tenant: string): Promise<AnyCloudEvent[]> => [
    ...(await h.streamEvents('CC_INTERACTIONS')).filter((e) => e.tenantid === tenant),
    ...(await h.streamEvents('CC_AGENTS')).filter((e) => e.tenantid === tenant),
  ];

  it('logs in, maps queue events and the published originate traffic (exact bytes) onto interactions', async () => {
    const tenant = uniqueTenant();
    const server = await FakeAmiServer.start('switchboard', 'ami-s3cret');
    try {
      expect((await configure(tenant, { host: '127.0.0.1', port: server.port, username: 'switchboard', secret: 'ami-s3cret' })).status).toBe(200);
      await expectEventually(async () => expect((await status(tenant))['connection']).toMatchObject({ state: 'connected' }));
      const view = await status(tenant);
      expect(view).toMatchObject({ kind: 'asterisk', configured: true, host: '127.0.0.1', port: server.port, username: 'switchboard' });
      expect(JSON.stringify(view)).not.toContain('ami-s3cret');
      expect(server.received[0]).toContain('Action: Login');
      expect(server.received[0]).toContain('Events: call,agent');

      server.send(amiFromTemplate('QueueCallerJoin', { ...channelFields, ...CALLER, Queue: 'support', Position: '1', Count: '1' }));
      server.send(amiFromTemplate('QueueCallerJoin', { ...channelFields, ...OTHER, Queue: 'support', Position: '2', Count: '2' }));
      server.send(
        amiFromTemplate('AgentConnect', {
          ...channelFields,
          ...CALLER,
          DestChannel: 'SIP/agent220-00000002',
          DestUniqueid: '1414510611.4',
          Queue: 'support',
          MemberName: 'Agent/220',
          Interface: 'SIP/agent220',
          RingTime: '2',
          HoldTime: '11',
        }),
      );
      // The captured traffic, byte for byte (Newchannel, Dial, Bridge, Hangup… of both channels), then the message terminator.
      server.send(sampleBytes('asterisk', 'panoramisk_originate_with_events.yaml'));
      server.send('\r\n\r\n');

      await expectEventually(async () => expect(await events(tenant)).toHaveLength(5));
      const all = await events(tenant);
      const of = (type: string, uid: string) => all.find((e) => e.type === type && e.id.includes(`:${uid}:`));
      expect(of('interaction.created', CALLER.Uniqueid)).toMatchObject({
        source: '/intake/asterisk',
        data: { interactionId: 'asterisk-1414510600.0', queueId: 'support', channel: 'voice', direction: 'inbound', customer: { id: '259', phone: '259', name: 'S F' }, externalId: '1414510600.0', language: 'en' },
      });
      expect(of('interaction.answered', CALLER.Uniqueid)?.data).toEqual({ interactionId: 'asterisk-1414510600.0', agentId: 'Agent/220' });
      expect(of('interaction.ended', CALLER.Uniqueid)?.data).toEqual({ interactionId: 'asterisk-1414510600.0', reason: 'completed', agentId: 'Agent/220' });
      expect(of('interaction.created', OTHER.Uniqueid)?.data).toMatchObject({ interactionId: 'asterisk-1414510609.3', customer: { id: '254' } });
      expect(of('interaction.ended', OTHER.Uniqueid)?.data).toEqual({ interactionId: 'asterisk-1414510609.3', reason: 'abandoned' });
      await expectEventually(async () => expect((await h.archivedIds(tenant)).size).toBe(5));
    } finally {
      await server.close();
    }
  });

  it('reconnects with backoff after the connection drops and keeps mapping; a queue abandon, hold and pause map too', async () => {
    const tenant = uniqueTenant();
    const server = await FakeAmiServer.start('sb', 'pw');
    try {
      await configure(tenant, { host: '127.0.0.1', port: server.port, username: 'sb', secret: 'pw' });
      await expectEventually(() => expect(server.connected).toBe(1));
      server.send(amiFromTemplate('QueueCallerJoin', { ...channelFields, ...CALLER, Queue: 'sales', Position: '1', Count: '1' }));
      await expectEventually(async () => expect(await events(tenant)).toHaveLength(1));
      server.drop();
      await expectEventually(() => {
        expect(server.logins).toBeGreaterThanOrEqual(2);
        expect(server.connected).toBe(1);
      });
      server.send('Event: Hold\r\nChannel: SIP/ddddd-00000000\r\nUniqueid: 1414510600.0\r\n\r\n');
      server.send('Event: QueueCallerAbandon\r\nQueue: sales\r\nUniqueid: 1414510600.0\r\nPosition: 1\r\nOriginalPosition: 1\r\nHoldTime: 42\r\n\r\n');
      server.send('Event: QueueMemberPause\r\nQueue: sales\r\nMemberName: Agent/7\r\nInterface: SIP/7\r\nPaused: 1\r\nPausedReason: lunch\r\nTimestamp: 1740000000.5\r\n\r\n');
      await expectEventually(async () => expect(await events(tenant)).toHaveLength(4));
      const all = await events(tenant);
      expect(all.map((e) => e.type)).toEqual(['interaction.created', 'interaction.held', 'interaction.ended', 'agent.state_changed']);
      expect(all[2]!.data).toEqual({ interactionId: 'asterisk-1414510600.0', reason: 'abandoned', durationMs: 42_000 });
      expect(all[3]).toMatchObject({ time: '2025-02-19T21:20:00.500Z', data: { agentId: 'Agent/7', state: 'break', reason: 'lunch' } });
    } finally {
      await server.close();
    }
  });

  it('connects from exactly one of two replicas, and from the other once that one stops', async () => {
    const pair = createTestNamespace('intake_ami_pair');
    const env = { INTAKE_INTEGRATION_SYNC_MS: '200', INTAKE_SOCKET_BACKOFF_MS: '20', INTAKE_SOCKET_BACKOFF_MAX_MS: '200' };
    const tenant = uniqueTenant();
    const server = await FakeAmiServer.start('sb', 'pw');
    const first = await IntakeHarness.start(pair, env);
    let second: IntakeHarness | undefined;
    let firstClosed = false;
    try {
      await first.request('PUT', '/v1/integrations/asterisk', { body: { host: '127.0.0.1', port: server.port, username: 'sb', secret: 'pw' }, token: first.token(tenant, 'admin') });
      await expectEventually(() => expect(server.connected).toBe(1));
      second = await IntakeHarness.start(pair, env);
      // Absence check: several sync rounds of the second replica pass without a second connection.
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(server.logins).toBe(1);
      await first.close();
      firstClosed = true;
      const replica = second;
      await expectEventually(async () => {
        expect(server.logins).toBe(2);
        expect(server.connected).toBe(1);
        const view = await replica.request('GET', '/v1/integrations/asterisk', { token: replica.token(tenant, 'admin') });
        expect(view.body['connection']).toMatchObject({ state: 'connected' });
      });
    } finally {
      if (!firstClosed) await first.close();
      await second?.close();
      await server.close();
      await pair.cleanup();
    }
  });

  it('reports a refused login, follows settings changes and disconnects when the integration is removed', async () => {
    const tenant = uniqueTenant();
    const server = await FakeAmiServer.start('sb', 'right');
    try {
      await configure(tenant, { host: '127.0.0.1', port: server.port, username: 'sb', secret: 'wrong' });
      await expectEventually(async () => expect((await status(tenant))['connection']).toMatchObject({ detail: expect.stringContaining('Authentication failed') }));
      expect(server.connected).toBe(0);
      await configure(tenant, { host: '127.0.0.1', port: server.port, username: 'sb', secret: 'right' });
      await expectEventually(async () => expect((await status(tenant))['connection']).toMatchObject({ state: 'connected' }));
      expect(server.connected).toBe(1);
      expect((await h.request('DELETE', '/v1/integrations/asterisk', { token: h.token(tenant, 'admin') })).status).toBe(204);
      await expectEventually(() => expect(server.connected).toBe(0));
      expect(await status(tenant)).toEqual({ kind: 'asterisk', configured: false });
      const bad = await configure(tenant, { host: 'bad host', port: 99999, username: 'sb', secret: 'a\r\nAction: Originate' });
      expect(bad.status).toBe(400);
      expect((bad.body['errors'] as { field: string }[]).map((e) => e.field).sort()).toEqual(['host', 'port', 'secret']);
    } finally {
      await server.close();
    }
  });
});
