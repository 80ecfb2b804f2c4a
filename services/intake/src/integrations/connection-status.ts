import { Injectable } from '@nestjs/common';
import type { IntegrationKind } from './integration-settings.schema';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'auth_failed';

export interface ConnectionStatus {
  state: ConnectionState;
  since: string;
  /** Why the last attempt failed (never contains a secret). */
  detail?: string;
}

/** What this replica's socket clients report about their connections, for `GET /v1/integrations/:kind`. */
@Injectable()
export class ConnectionStatusRegistry {
  private readonly statuses = new Map<string, ConnectionStatus>();

  set(tenantId: string, kind: IntegrationKind, state: ConnectionState, detail?: string): void {
    this.statuses.set(`${tenantId}/${kind}`, { state, since: new Date().toISOString(), ...(detail ? { detail } : {}) });
  }

  get(tenantId: string, kind: IntegrationKind): ConnectionStatus | undefined {
    return this.statuses.get(`${tenantId}/${kind}`);
  }

  clear(tenantId: string, kind: IntegrationKind): void {
    this.statuses.delete(`${tenantId}/${kind}`);
  }
}
