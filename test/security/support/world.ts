import { createHmac, randomUUID } from 'node:crypto';
import type { Role } from '@switchboard/platform';
import { buildEvent, expectEventually, uniqueId, uniqueTenant } from '@switchboard/testing';
import type { Platform, RequestOptions, ServiceName } from './services';

export const PUBLIC_BASE_URL = 'https://intake.security.test';

/** The request one case sends: a path with the tenant's real ids filled in, and a valid body. */
export interface Prepared extends RequestOptions {
  path: string;
}

/**
 * A tenant with one of everything (agent, queue, routed and analysed interaction, subscription, failed delivery,
 * notifications, integration), every free-text field carrying a marker no other tenant may ever see.
 */
export class World {
  readonly marker = `marker-${randomUUID()}`;
  readonly agentId = uniqueId('agent');
  readonly otherAgentId = uniqueId('agent');
  readonly queueId = uniqueId('queue');
  readonly interactionId = uniqueId('int');
  readonly customerId = uniqueId('cust');
  readonly twilioAuthToken = `twilio-${randomUUID()}`;
  subscriptionId = '';
  deliveryId = '';

  constructor(
    readonly p: Platform,
    readonly tenant = uniqueTenant('sec'),
  ) {}

  token(role: Role, sub?: string): string {
    return this.p.token(this.tenant, role, sub ?? (role === 'agent' ? this.agentId : undefined));
  }

  async ok(service: ServiceName, method: string, path: string, body?: unknown, role: Role = 'admin'): Promise<Record<string, unknown>> {
    const res = await this.p.call(service, method, path, { token: this.token(role), body });
    if (res.status >= 300) throw new Error(`${service} ${method} ${path} → ${res.status} ${res.text}`);
    return res.body;
  }

  async seed(): Promise<void> {
    const { marker } = this;
    // intake: the Twilio integration and an archived event.
    await this.ok('intake', 'PUT', '/v1/integrations/twilio', { authToken: this.twilioAuthToken, defaultQueueId: this.queueId });
    await this.ok('intake', 'POST', '/v1/events', this.event('interaction.created', this.interactionId), 'ingest');
    // routing: a queue, an available agent with room for a few chats, and an interaction routed to it.
    await this.ok('routing', 'PUT', `/v1/queues/${this.queueId}`, { name: `queue ${marker}`, channel: 'chat', requiredSkills: { billing: 1 } });
    for (const id of [this.agentId, this.otherAgentId]) {
      await this.ok('routing', 'PUT', `/v1/agents/${id}`, { name: `agent ${marker}`, skills: { billing: 3 }, capacity: { chat: 10 } });
    }
    await this.ok('routing', 'POST', `/v1/agents/${this.agentId}/state`, { state: 'available' });
    await this.p.publish('routing', [this.event('interaction.created', this.interactionId)]);
    // analytics: one answered, scored and ended conversation of the agent with the customer.
    await this.p.publish('analytics', [
      this.event('interaction.created', this.interactionId),
      buildEvent('interaction.answered', { tenantid: this.tenant, data: { interactionId: this.interactionId, agentId: this.agentId } }),
      buildEvent('interaction.utterance', { tenantid: this.tenant, data: { interactionId: this.interactionId, speaker: 'customer', text: `This is the worst service ever ${marker}` } }),
      buildEvent('interaction.utterance', { tenantid: this.tenant, data: { interactionId: this.interactionId, speaker: 'customer', text: 'thank you, that helps a lot' } }),
      buildEvent('interaction.ended', { tenantid: this.tenant, data: { interactionId: this.interactionId, reason: 'abandoned', agentId: this.agentId } }),
    ]);
    // notify: a webhook subscription whose deliveries fail, an alert for supervisors and kudos for the agent.
    const sub = await this.ok('notify', 'POST', '/v1/subscriptions', { channel: 'webhook', target: `https://198.51.100.7/${marker}`, secret: `whsec-${marker}` });
    this.subscriptionId = String(sub['id']);
    await this.p.publish('notify', [
      buildEvent('analytics.abuse_detected', { tenantid: this.tenant, data: { agentId: this.agentId, interactionId: this.interactionId, severity: 'high', quote: `abuse ${marker}` } }),
      buildEvent('analytics.kudos', { tenantid: this.tenant, data: { agentId: this.agentId, interactionId: this.interactionId, quote: `kudos ${marker}` } }),
    ]);
    await this.ok('notify', 'PUT', `/v1/recipients/${this.agentId}/preferences`, { shift: shiftAroundNow() });

    await expectEventually(async () => {
      expect((await this.p.call('routing', 'GET', `/v1/interactions/${this.interactionId}/routing`, { token: this.token('admin') })).status).toBe(200);
      expect((await this.p.call('analytics', 'GET', `/v1/interactions/${this.interactionId}/insights`, { token: this.token('admin') })).status).toBe(200);
      expect((await this.p.call('analytics', 'GET', `/v1/agents/${this.agentId}/wellbeing`, { token: this.token('admin') })).status).toBe(200);
      expect((await this.p.call('analytics', 'GET', `/v1/customers/${this.customerId}/churn-risk`, { token: this.token('admin') })).status).toBe(200);
      const deliveries = await this.p.call('notify', 'GET', '/v1/deliveries', { token: this.token('admin') });
      const items = deliveries.body['items'] as { id: string }[];
      expect(items.length).toBeGreaterThan(0);
      this.deliveryId = items[0]!.id;
      expect(await this.inboxIds('agent')).not.toHaveLength(0);
      expect(await this.inboxIds('supervisor')).not.toHaveLength(0);
    }, { timeoutMs: 30_000 });
  }

  event(type: 'interaction.created', interactionId: string) {
    return buildEvent(type, {
      tenantid: this.tenant,
      data: { interactionId, queueId: this.queueId, channel: 'chat', customer: { id: this.customerId, name: `customer ${this.marker}` } },
    });
  }

  async inboxIds(role: Role): Promise<string[]> {
    const res = await this.p.call('notify', 'GET', '/v1/inbox?includeAcked=true', { token: this.token(role) });
    return ((res.body['items'] as { id: string }[] | undefined) ?? []).map((n) => n.id);
  }

  /** A new interaction offered to the agent; its offer id. */
  async newOffer(): Promise<string> {
    const interactionId = uniqueId('int');
    await this.p.publish('routing', [this.event('interaction.created', interactionId)]);
    return expectEventually(() => {
      const offered = this.p.events.find((e) => e.type === 'routing.offered' && e.tenantid === this.tenant && (e.data as { interactionId: string }).interactionId === interactionId);
      expect(offered).toBeDefined();
      return (offered!.data as { offerId: string }).offerId;
    }, { timeoutMs: 30_000 });
  }

  async newSubscription(): Promise<string> {
    return String((await this.ok('notify', 'POST', '/v1/subscriptions', { channel: 'slack', target: `https://198.51.100.8/${this.marker}` }))['id']);
  }

  /** Waits until the delivery is not being attempted (redelivery of an attempt in flight is a 409 by design). */
  async idleDelivery(): Promise<string> {
    await expectEventually(async () => {
      const res = await this.p.call('notify', 'GET', `/v1/deliveries/${this.deliveryId}`, { token: this.token('admin') });
      expect(['failed', 'dead', 'delivered']).toContain(res.body['status']);
    });
    return this.deliveryId;
  }

  /** A Twilio status callback signed with the tenant's auth token for exactly this URL. */
  twilioCallback(tenant = this.tenant, params: Record<string, string> = {}, query = ''): Prepared {
    const path = `/v1/webhooks/twilio/${tenant}/voice${query}`;
    const form = { CallSid: `CA${randomUUID().replace(/-/g, '')}`, AccountSid: `AC${'0123456789abcdef'.repeat(2)}`, CallStatus: 'ringing', From: '+15550100', To: '+15550199', Direction: 'inbound', ...params };
    return { path, raw: new URLSearchParams(form).toString(), contentType: 'application/x-www-form-urlencoded', headers: { 'x-twilio-signature': twilioSignature(this.twilioAuthToken, `${PUBLIC_BASE_URL}${path}`, form) } };
  }
}

export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params).sort().reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** 2xx, 403, or 404 where the resource is invisible to the role (another agent's interaction, an ingest inbox). */
export type Outcome = 'ok' | 'forbidden' | 'hidden';

export interface EndpointCase {
  roles: Record<Role, Outcome>;
  /** A valid request of `role` against the world's own resources. */
  prepare(w: World, role: Role): Promise<Prepared> | Prepared;
  /** Needs no token at the router (health, metrics, signed webhooks, streams that authenticate themselves). */
  public?: boolean;
  /** Public at the router but checks the bearer token itself (Server-Sent Events with `?access_token=`). */
  authenticates?: boolean;
  /** The path addresses one agent: another agent's token gets 403. */
  agentScoped?: (w: World) => Prepared;
}

const ALL: Record<Role, Outcome> = { ingest: 'ok', agent: 'ok', supervisor: 'ok', admin: 'ok' };
const STAFF: Record<Role, Outcome> = { ingest: 'forbidden', agent: 'ok', supervisor: 'ok', admin: 'ok' };
const MANAGERS: Record<Role, Outcome> = { ingest: 'forbidden', agent: 'forbidden', supervisor: 'ok', admin: 'ok' };
const ADMIN: Record<Role, Outcome> = { ingest: 'forbidden', agent: 'forbidden', supervisor: 'forbidden', admin: 'ok' };
const WRITERS: Record<Role, Outcome> = { ingest: 'ok', agent: 'forbidden', supervisor: 'forbidden', admin: 'ok' };
const AGENT: Record<Role, Outcome> = { ingest: 'forbidden', agent: 'ok', supervisor: 'forbidden', admin: 'forbidden' };

const SHIFT = { start: '08:00', end: '17:00', timeZone: 'Europe/Paris' };

/** A shift the agent is on whenever the suite runs (off shift, notify would hold the agent's non-urgent notifications). */
function shiftAroundNow(): { start: string; end: string; timeZone: string } {
  const at = (offsetHours: number) => new Date(Date.now() + offsetHours * 3_600_000).toISOString().slice(11, 16);
  return { start: at(-2), end: at(6), timeZone: 'UTC' };
}

const heartbeat = (eventId: string) => ({
  AWSAccountId: '012345678901', AgentARN: 'arn:aws:connect:us-east-1:012345678901:instance/i-1/agent/a-1', EventId: eventId,
  EventTimestamp: '2019-08-13T20:58:44.031Z', EventType: 'HEART_BEAT', InstanceARN: 'arn:aws:connect:us-east-1:012345678901:instance/i-1', Version: '2017-10-01',
  CurrentAgentSnapshot: null, PreviousAgentSnapshot: null,
});

/**
 * The expected outcome of every endpoint for every role. A route the services register that is missing here
 * fails the suite: a new endpoint cannot ship without a place in the role matrix.
 */
export const ENDPOINTS: Record<string, EndpointCase> = {
  // intake
  'intake GET /health/live': { roles: ALL, public: true, prepare: () => ({ path: '/health/live' }) },
  'intake GET /health/ready': { roles: ALL, public: true, prepare: () => ({ path: '/health/ready' }) },
  'intake GET /metrics': { roles: ALL, public: true, prepare: () => ({ path: '/metrics' }) },
  'intake POST /v1/events': { roles: WRITERS, prepare: (w) => ({ path: '/v1/events', body: w.event('interaction.created', uniqueId('int')), contentType: 'application/cloudevents+json' }) },
  'intake GET /v1/events': { roles: MANAGERS, prepare: () => ({ path: '/v1/events?limit=5' }) },
  'intake PUT /v1/integrations/:kind': { roles: ADMIN, prepare: (w) => ({ path: '/v1/integrations/twilio', body: { authToken: w.twilioAuthToken, defaultQueueId: w.queueId } }) },
  'intake GET /v1/integrations/:kind': { roles: ADMIN, prepare: () => ({ path: '/v1/integrations/twilio' }) },
  'intake DELETE /v1/integrations/:kind': {
    roles: ADMIN,
    prepare: async (w, role) => {
      if (role === 'admin') await w.ok('intake', 'PUT', '/v1/integrations/freeswitch', { host: '198.51.100.9', password: `fs-${w.marker}` });
      return { path: '/v1/integrations/freeswitch' };
    },
  },
  'intake POST /v1/webhooks/twilio/:tenant/voice': { roles: ALL, public: true, prepare: (w) => w.twilioCallback() },
  'intake POST /v1/webhooks/amazon-connect/:tenant': { roles: WRITERS, prepare: (w) => ({ path: `/v1/webhooks/amazon-connect/${w.tenant}`, body: heartbeat(uniqueId('ev')) }) },
  // routing
  'routing GET /health/live': { roles: ALL, public: true, prepare: () => ({ path: '/health/live' }) },
  'routing GET /health/ready': { roles: ALL, public: true, prepare: () => ({ path: '/health/ready' }) },
  'routing GET /metrics': { roles: ALL, public: true, prepare: () => ({ path: '/metrics' }) },
  'routing PUT /v1/agents/:id': { roles: MANAGERS, prepare: (w) => ({ path: `/v1/agents/${w.otherAgentId}`, body: { name: `agent ${w.marker}`, skills: { billing: 3 }, capacity: { chat: 10 } } }) },
  'routing GET /v1/agents': { roles: MANAGERS, prepare: () => ({ path: '/v1/agents' }) },
  'routing GET /v1/agents/:id': { roles: STAFF, prepare: (w) => ({ path: `/v1/agents/${w.agentId}` }), agentScoped: (w) => ({ path: `/v1/agents/${w.otherAgentId}` }) },
  'routing POST /v1/agents/:id/state': {
    roles: STAFF,
    prepare: (w) => ({ path: `/v1/agents/${w.agentId}/state`, body: { state: 'available' } }),
    agentScoped: (w) => ({ path: `/v1/agents/${w.otherAgentId}/state`, body: { state: 'available' } }),
  },
  'routing PUT /v1/queues/:id': { roles: MANAGERS, prepare: (w) => ({ path: `/v1/queues/${w.queueId}`, body: { name: `queue ${w.marker}`, channel: 'chat', requiredSkills: { billing: 1 } } }) },
  'routing GET /v1/queues/:id': { roles: MANAGERS, prepare: (w) => ({ path: `/v1/queues/${w.queueId}` }) },
  'routing GET /v1/queues/:id/status': { roles: MANAGERS, prepare: (w) => ({ path: `/v1/queues/${w.queueId}/status` }) },
  'routing POST /v1/offers/:id/accept': { roles: AGENT, prepare: async (w, role) => ({ path: `/v1/offers/${role === 'agent' ? await w.newOffer() : randomUUID()}/accept` }) },
  'routing POST /v1/offers/:id/reject': { roles: AGENT, prepare: async (w, role) => ({ path: `/v1/offers/${role === 'agent' ? await w.newOffer() : randomUUID()}/reject`, body: { reason: 'busy' } }) },
  'routing GET /v1/settings/wellbeing': { roles: MANAGERS, prepare: () => ({ path: '/v1/settings/wellbeing' }) },
  'routing PUT /v1/settings/wellbeing': { roles: MANAGERS, prepare: () => ({ path: '/v1/settings/wellbeing', body: {} }) },
  'routing GET /v1/interactions/:id/routing': { roles: MANAGERS, prepare: (w) => ({ path: `/v1/interactions/${w.interactionId}/routing` }) },
  'routing GET /v1/customers/:id': { roles: MANAGERS, prepare: (w) => ({ path: `/v1/customers/${w.customerId}` }) },
  // analytics
  'analytics GET /health/live': { roles: ALL, public: true, prepare: () => ({ path: '/health/live' }) },
  'analytics GET /health/ready': { roles: ALL, public: true, prepare: () => ({ path: '/health/ready' }) },
  'analytics GET /metrics': { roles: ALL, public: true, prepare: () => ({ path: '/metrics' }) },
  'analytics POST /v1/analyze': { roles: ALL, prepare: () => ({ path: '/v1/analyze', body: { text: 'you were very helpful, thanks' } }) },
  'analytics POST /v1/analyze/batch': { roles: ALL, prepare: () => ({ path: '/v1/analyze/batch', body: { texts: ['hello', 'this is useless'] } }) },
  'analytics GET /v1/agents/:id/wellbeing': { roles: STAFF, prepare: (w) => ({ path: `/v1/agents/${w.agentId}/wellbeing` }), agentScoped: (w) => ({ path: `/v1/agents/${w.otherAgentId}/wellbeing` }) },
  'analytics PUT /v1/agents/:id/shift': { roles: MANAGERS, prepare: (w) => ({ path: `/v1/agents/${w.agentId}/shift`, body: SHIFT }) },
  'analytics GET /v1/agents/:id/shift': {
    roles: STAFF,
    prepare: async (w) => {
      await w.ok('analytics', 'PUT', `/v1/agents/${w.agentId}/shift`, SHIFT);
      return { path: `/v1/agents/${w.agentId}/shift` };
    },
    agentScoped: (w) => ({ path: `/v1/agents/${w.otherAgentId}/shift` }),
  },
  'analytics DELETE /v1/agents/:id/shift': {
    roles: MANAGERS,
    prepare: async (w, role) => {
      if (role === 'admin' || role === 'supervisor') await w.ok('analytics', 'PUT', `/v1/agents/${w.otherAgentId}/shift`, SHIFT);
      return { path: `/v1/agents/${w.otherAgentId}/shift` };
    },
  },
  'analytics GET /v1/customers/:id/churn-risk': { roles: STAFF, prepare: (w) => ({ path: `/v1/customers/${w.customerId}/churn-risk` }) },
  'analytics GET /v1/kpis': { roles: STAFF, prepare: () => ({ path: '/v1/kpis' }) },
  'analytics GET /v1/kpis/minutes': { roles: STAFF, prepare: () => ({ path: '/v1/kpis/minutes' }) },
  'analytics GET /v1/kudos': { roles: STAFF, prepare: () => ({ path: '/v1/kudos' }) },
  'analytics GET /v1/queues/:id/kpis': { roles: STAFF, prepare: (w) => ({ path: `/v1/queues/${w.queueId}/kpis` }) },
  'analytics GET /v1/queues/:id/sla': { roles: STAFF, prepare: (w) => ({ path: `/v1/queues/${w.queueId}/sla` }) },
  'analytics PUT /v1/queues/:id/sla': { roles: MANAGERS, prepare: (w) => ({ path: `/v1/queues/${w.queueId}/sla`, body: { percent: 80, seconds: 20 } }) },
  'analytics GET /v1/agents': { roles: MANAGERS, prepare: () => ({ path: '/v1/agents' }) },
  'analytics GET /v1/stream': { roles: STAFF, public: true, authenticates: true, prepare: () => ({ path: '/v1/stream' }) },
  // Ingest credentials push events; reading a customer's sentiment trajectory is not theirs to do.
  'analytics GET /v1/interactions/:id/insights': { roles: STAFF, prepare: (w) => ({ path: `/v1/interactions/${w.interactionId}/insights` }) },
  // notify
  'notify GET /health/live': { roles: ALL, public: true, prepare: () => ({ path: '/health/live' }) },
  'notify GET /health/ready': { roles: ALL, public: true, prepare: () => ({ path: '/health/ready' }) },
  'notify GET /metrics': { roles: ALL, public: true, prepare: () => ({ path: '/metrics' }) },
  'notify GET /v1/deliveries': { roles: MANAGERS, prepare: () => ({ path: '/v1/deliveries' }) },
  'notify GET /v1/deliveries/:id': { roles: MANAGERS, prepare: (w) => ({ path: `/v1/deliveries/${w.deliveryId}` }) },
  'notify POST /v1/deliveries/:id/redeliver': { roles: MANAGERS, prepare: async (w, role) => ({ path: `/v1/deliveries/${role === 'admin' || role === 'supervisor' ? await w.idleDelivery() : w.deliveryId}/redeliver` }) },
  // An ingest token has no inbox: it reads an empty one and finds nothing to acknowledge.
  'notify GET /v1/inbox': { roles: ALL, prepare: () => ({ path: '/v1/inbox' }) },
  'notify POST /v1/inbox/:id/ack': {
    roles: { ...STAFF, ingest: 'hidden' },
    prepare: async (w, role) => ({ path: `/v1/inbox/${(await w.inboxIds(role === 'ingest' ? 'supervisor' : role))[0]}/ack` }),
  },
  'notify PUT /v1/recipients/:agentId/preferences': {
    roles: STAFF,
    prepare: (w) => ({ path: `/v1/recipients/${w.agentId}/preferences`, body: { shift: shiftAroundNow() } }),
    agentScoped: (w) => ({ path: `/v1/recipients/${w.otherAgentId}/preferences`, body: { shift: null } }),
  },
  'notify GET /v1/recipients/:agentId/preferences': { roles: STAFF, prepare: (w) => ({ path: `/v1/recipients/${w.agentId}/preferences` }), agentScoped: (w) => ({ path: `/v1/recipients/${w.otherAgentId}/preferences` }) },
  'notify POST /v1/subscriptions': { roles: MANAGERS, prepare: (w) => ({ path: '/v1/subscriptions', body: { channel: 'email', target: `ops+${w.tenant}@example.com` } }) },
  'notify GET /v1/subscriptions': { roles: MANAGERS, prepare: () => ({ path: '/v1/subscriptions' }) },
  'notify GET /v1/subscriptions/:id': { roles: MANAGERS, prepare: (w) => ({ path: `/v1/subscriptions/${w.subscriptionId}` }) },
  'notify PATCH /v1/subscriptions/:id': { roles: MANAGERS, prepare: (w) => ({ path: `/v1/subscriptions/${w.subscriptionId}`, body: { minSeverity: 'info' } }) },
  'notify DELETE /v1/subscriptions/:id': { roles: MANAGERS, prepare: async (w, role) => ({ path: `/v1/subscriptions/${role === 'admin' || role === 'supervisor' ? await w.newSubscription() : w.subscriptionId}` }) },
};

export function expectedStatus(outcome: Outcome): (status: number) => boolean {
  switch (outcome) {
    case 'ok':
      return (s) => s >= 200 && s < 300;
    case 'forbidden':
      return (s) => s === 403;
    case 'hidden':
      return (s) => s === 404;
  }
}
