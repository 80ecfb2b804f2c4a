import type { AgentState } from '@switchboard/contracts';
import { requestJson } from './http';
import type { TokenIssuer } from './tokens';

export interface AgentDefinition {
  name: string;
  skills: Record<string, number>;
  capacity?: Partial<Record<'voice' | 'chat' | 'email' | 'video', number>>;
  languages: string[];
  team?: string;
  startedAt?: string;
}

export interface QueueDefinition {
  name: string;
  channel: 'voice' | 'chat' | 'email' | 'video';
  requiredSkills: Record<string, number>;
  priority: number;
  sla: { percent: number; seconds: number };
  strategy: string;
  offerTimeoutSeconds: number;
  wrapUpSeconds: number;
  overflow: { afterSeconds: number; minSkillLevel: number }[];
}

export interface AgentView {
  id: string;
  state: AgentState;
  stateSince: string;
  strainLevel?: string;
  missedInRow?: number;
  wrapUpUntil?: string;
  [key: string]: unknown;
}

/** Routing's public HTTP API: agents, queues, presence, offers, settings and the decision log. */
export class RoutingClient {
  constructor(
    readonly baseUrl: string,
    private readonly tokens: TokenIssuer,
  ) {}

  putAgent(id: string, agent: AgentDefinition): Promise<AgentView> {
    return requestJson('PUT', `${this.baseUrl}/v1/agents/${encodeURIComponent(id)}`, { token: this.tokens.admin(), body: agent });
  }

  getAgent(id: string): Promise<AgentView> {
    return requestJson('GET', `${this.baseUrl}/v1/agents/${encodeURIComponent(id)}`, { token: this.tokens.supervisor() });
  }

  putQueue(id: string, queue: QueueDefinition): Promise<unknown> {
    return requestJson('PUT', `${this.baseUrl}/v1/queues/${encodeURIComponent(id)}`, { token: this.tokens.admin(), body: queue });
  }

  putSettings(settings: Record<string, unknown>): Promise<unknown> {
    return requestJson('PUT', `${this.baseUrl}/v1/settings/wellbeing`, { token: this.tokens.admin(), body: settings });
  }

  /** The agent changes its own presence (`available`, `break`, `offline`). */
  setState(agentId: string, state: 'available' | 'break' | 'offline', reason?: string): Promise<AgentView> {
    return requestJson('POST', `${this.baseUrl}/v1/agents/${encodeURIComponent(agentId)}/state`, {
      token: this.tokens.agent(agentId),
      body: reason ? { state, reason } : { state },
      retries: 1,
    });
  }

  accept(agentId: string, offerId: string): Promise<Record<string, unknown>> {
    return requestJson('POST', `${this.baseUrl}/v1/offers/${encodeURIComponent(offerId)}/accept`, { token: this.tokens.agent(agentId), retries: 1 });
  }

  reject(agentId: string, offerId: string, reason?: string): Promise<Record<string, unknown>> {
    return requestJson('POST', `${this.baseUrl}/v1/offers/${encodeURIComponent(offerId)}/reject`, {
      token: this.tokens.agent(agentId),
      body: reason ? { reason } : {},
      retries: 1,
    });
  }

  decisionLog(interactionId: string): Promise<Record<string, unknown>> {
    return requestJson('GET', `${this.baseUrl}/v1/interactions/${encodeURIComponent(interactionId)}/routing`, { token: this.tokens.supervisor() });
  }
}
