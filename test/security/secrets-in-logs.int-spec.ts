import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect } from 'nats';
import { subjectFor } from '@switchboard/contracts';
import { namespacedSubject, signToken } from '@switchboard/platform';
import { buildEvent, createTestNamespace, expectEventually, pollUntil, TEST_JWT_SECRET, uniqueTenant, type TestNamespace } from '@switchboard/testing';
import { AttackLog } from './support/attack-log';
import { forgedCredentials } from './support/forged-tokens';
import { request } from './support/services';
import { PUBLIC_BASE_URL, twilioSignature } from './support/world';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '../..');

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A service run as its own process, exactly as in production, with everything it logs kept. */
class ServiceProcess {
  output = '';
  private child: ChildProcess | undefined;

  constructor(
    readonly service: 'intake' | 'notify' | 'analytics',
    private readonly env: Record<string, string>,
    readonly url: string,
  ) {}

  async start(): Promise<void> {
    this.child = spawn(process.execPath, ['-r', '@swc-node/register', `services/${this.service}/src/main.ts`], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    this.child.stderr?.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    const child = this.child;
    try {
      await pollUntil(
        async () => {
          if (child.exitCode !== null) throw new Error(`${this.service} exited with ${child.exitCode}`);
          return (await fetch(`${this.url}/health/ready`).catch(() => undefined))?.status;
        },
        (s) => s === 200,
        { timeoutMs: 180_000, intervalMs: 200, description: `${this.service} ready` },
      );
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${this.output.slice(-3000)}`);
    }
  }

  /** SIGTERM, then SIGKILL if the process has not exited within 15 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

describe('security: secrets never reach the logs', () => {
  const log = new AttackLog('secrets-in-logs');
  const tenant = uniqueTenant('logs');
  const jwtSecret = `jwt-${randomBytes(24).toString('hex')}`;
  const integrationKey = randomBytes(32).toString('hex');
  const smtpPassword = `smtp-${randomUUID()}`;
  const secrets = {
    twilioAuthToken: `twilio-${randomUUID()}`,
    asteriskSecret: `ami-${randomUUID()}`,
    freeswitchPassword: `esl-${randomUUID()}`,
    webhookSecret: `whsec-${randomUUID()}`,
  };
  const namespaces: TestNamespace[] = [];
  const services: ServiceProcess[] = [];
  const byName = new Map<ServiceProcess['service'], ServiceProcess>();
  let notifyNamespace: TestNamespace;
  let hook: Server;
  let hookUrl: string;
  /** Tokens used in this run: the whole token and its signature must never be logged. */
  const tokens: string[] = [];

  const token = (role: 'admin' | 'supervisor' | 'agent' | 'ingest', sub?: string) => {
    const t = signToken({ tenant, role, sub: sub ?? `${role}-1` }, jwtSecret);
    tokens.push(t);
    return t;
  };

  async function startService(service: ServiceProcess['service'], env: Record<string, string>): Promise<ServiceProcess> {
    const ns = createTestNamespace(`security_logs_${service}`);
    namespaces.push(ns);
    if (service === 'notify') notifyNamespace = ns;
    const port = await freePort();
    const proc = new ServiceProcess(service, ns.env({ PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'trace', JWT_SECRET: jwtSecret, ...env }), `http://127.0.0.1:${port}`);
    services.push(proc);
    byName.set(service, proc);
    await proc.start();
    return proc;
  }

  beforeAll(async () => {
    // A webhook receiver that fails every delivery, so that notify logs its retries.
    hook = createHttpServer((_req, res) => res.writeHead(500).end('nope'));
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    await Promise.all([
      startService('intake', { INTEGRATION_SECRET_KEY: integrationKey, INTAKE_PUBLIC_BASE_URL: PUBLIC_BASE_URL, INTAKE_INTEGRATION_SYNC_MS: '200', INTAKE_SOCKET_BACKOFF_MS: '50' }),
      startService('notify', { NOTIFY_ALLOW_PRIVATE_TARGETS: 'true', SMTP_URL: `smtp://switchboard:${smtpPassword}@127.0.0.1:1/`, NOTIFY_DELIVERY_POLL_MS: '50', NOTIFY_BACKOFF_BASE_MS: '50', NOTIFY_MAX_ATTEMPTS: '3' }),
      startService('analytics', {}),
    ]);
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    hook?.close();
    await Promise.all(namespaces.map((ns) => ns.cleanup()));
    log.write();
  });

  it('logs requests, failures and retries that carry tokens, integration secrets, webhook secrets and SMTP passwords without any of them', async () => {
    const [intake, notify, analytics] = (['intake', 'notify', 'analytics'] as const).map((name) => byName.get(name)!);
    if (!intake || !notify || !analytics) throw new Error('a service did not start');
    const admin = token('admin');
    // intake: integration secrets (stored, then used by socket clients that fail to connect), signed callbacks, bad input.
    const closedPort = await freePort();
    expect((await request(intake.url, 'PUT', '/v1/integrations/twilio', { token: admin, body: { authToken: secrets.twilioAuthToken } })).status).toBe(200);
    expect((await request(intake.url, 'PUT', '/v1/integrations/asterisk', { token: admin, body: { host: '127.0.0.1', port: closedPort, username: 'switchboard', secret: secrets.asteriskSecret } })).status).toBe(200);
    expect((await request(intake.url, 'PUT', '/v1/integrations/freeswitch', { token: admin, body: { host: '127.0.0.1', port: closedPort, password: secrets.freeswitchPassword } })).status).toBe(200);
    const badSecret = await request(intake.url, 'PUT', '/v1/integrations/asterisk', { token: admin, body: { host: '127.0.0.1', username: 'x', secret: `${secrets.asteriskSecret}\r\nAction: Logoff` } });
    expect(badSecret.status).toBe(400);
    expect(badSecret.text).not.toContain(secrets.asteriskSecret);
    const path = `/v1/webhooks/twilio/${tenant}/voice`;
    const form = { CallSid: `CA${randomUUID().replace(/-/g, '')}`, AccountSid: `AC${'0123456789abcdef'.repeat(2)}`, CallStatus: 'ringing', From: '+15550100', To: '+15550199' };
    const signature = twilioSignature(secrets.twilioAuthToken, `${PUBLIC_BASE_URL}${path}`, form);
    for (const sig of [signature, `${signature.slice(0, -4)}AAA=`]) {
      await request(intake.url, 'POST', path, { raw: new URLSearchParams(form).toString(), contentType: 'application/x-www-form-urlencoded', headers: { 'x-twilio-signature': sig } });
    }
    tokens.push(signature);
    await request(intake.url, 'GET', '/v1/integrations/asterisk', { token: admin });
    // Every forged token against every service.
    for (const s of services) {
      for (const c of forgedCredentials({ tenant, role: 'admin' })) {
        await request(s.url, 'GET', s.service === 'intake' ? '/v1/events' : '/v1/agents', { headers: c.authorization === undefined ? {} : { authorization: c.authorization } });
      }
    }
    // notify: a signed webhook that keeps failing and an e-mail subscription whose SMTP server is unreachable.
    expect((await request(notify.url, 'POST', '/v1/subscriptions', { token: admin, body: { channel: 'webhook', target: hookUrl, secret: secrets.webhookSecret } })).status).toBe(201);
    expect((await request(notify.url, 'POST', '/v1/subscriptions', { token: admin, body: { channel: 'email', target: 'ops@example.com' } })).status).toBe(201);
    // analytics: the live stream authenticated by a query parameter, as EventSource clients must.
    const streamToken = token('supervisor');
    const controller = new AbortController();
    const sse = await fetch(`${analytics.url}/v1/stream?access_token=${streamToken}`, { signal: controller.signal });
    expect(sse.status).toBe(200);
    controller.abort();
    // An alert that notify turns into deliveries, published on its subject as analytics would.
    const nc = await connect({ servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
    try {
      const event = buildEvent('analytics.abuse_detected', { tenantid: tenant, data: { agentId: 'agent-1', severity: 'critical', quote: 'you idiot' } });
      const js = nc.jetstream();
      await js.publish(namespacedSubject(notifyNamespace.natsNamespace, subjectFor(tenant, event.type)), JSON.stringify(event), { msgID: event.id });
    } finally {
      await nc.close();
    }
    // Wait until the failures were logged: socket clients refused, webhook retried, SMTP unreachable.
    await expectEventually(
      async () => {
        const res = await request(notify.url, 'GET', '/v1/deliveries', { token: admin });
        const items = res.body['items'] as { attempts: number; channel: string }[];
        expect(items.filter((d) => d.attempts >= 1).map((d) => d.channel).sort()).toEqual(['email', 'webhook']);
        expect(intake.output).toMatch(/ECONNREFUSED|refused|connect/i);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    await Promise.all(services.map((s) => s.stop()));

    const output = services.map((s) => s.output).join('\n');
    // The logs are there and detailed (trace level), so the absence of secrets means something.
    expect(output.length).toBeGreaterThan(2000);
    expect(output).toContain('"req"');
    const values: [string, string][] = [
      ['JWT secret', jwtSecret],
      ['JWT secret of the test tokens', TEST_JWT_SECRET],
      ['integration secret key', integrationKey],
      ['SMTP password', smtpPassword],
      ...Object.entries(secrets),
      ...tokens.map((t, i): [string, string] => [`token ${i}`, t]),
      ...tokens.filter((t) => t.split('.').length === 3).map((t, i): [string, string] => [`token ${i} signature`, t.split('.')[2]!]),
    ];
    log.add('logs of intake, notify and analytics', 'secrets checked', values.length);
    const leaked = values.filter(([, value]) => output.includes(value)).map(([name, value]) => {
      const at = output.indexOf(value);
      return `${name}: …${output.slice(Math.max(0, at - 200), at)}<SECRET>…`;
    });
    expect(leaked).toEqual([]);
  });
});
