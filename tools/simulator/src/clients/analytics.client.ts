import { requestJson } from './http';
import type { TokenIssuer } from './tokens';

/** Analytics' HTTP API, for what the simulator sets up: each queue's service-level target. */
export class AnalyticsClient {
  constructor(
    readonly baseUrl: string,
    private readonly tokens: TokenIssuer,
  ) {}

  /** `PUT /v1/queues/:id/sla` (idempotent): the target analytics measures the queue's service level against. */
  putSla(queueId: string, sla: { percent: number; seconds: number }): Promise<unknown> {
    return requestJson('PUT', `${this.baseUrl}/v1/queues/${encodeURIComponent(queueId)}/sla`, { token: this.tokens.admin(), body: sla });
  }
}
