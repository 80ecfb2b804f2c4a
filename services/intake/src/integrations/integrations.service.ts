import { Injectable, Logger } from '@nestjs/common';
import { ConnectionStatusRegistry, type ConnectionStatus } from './connection-status';
import { IntegrationRepository, type IntegrationRow } from './integration.repository';
import { SECRET_FIELD, type IntegrationKind, type IntegrationSettingsByKind } from './integration-settings.schema';
import { SecretBox } from './secret-box';
import { errorMessage } from '@switchboard/platform';

export interface IntegrationView {
  kind: IntegrationKind;
  configured: boolean;
  updatedAt?: string;
  /** Socket integrations: this replica's connection to the vendor system. */
  connection?: ConnectionStatus;
  [setting: string]: unknown;
}

/** A tenant's integration with its secret decrypted, for the adapters only. */
export interface Integration<K extends IntegrationKind = IntegrationKind> {
  tenantId: string;
  kind: K;
  version: number;
  settings: IntegrationSettingsByKind[K];
}

export type IntegrationChangeListener = (change: { tenantId: string; kind: IntegrationKind }) => void;

/**
 * Per-tenant integration settings. Secrets are sealed before they reach the database and are never part
 * of a view or a log line; adapters get them decrypted through `find`.
 */
@Injectable()
export class IntegrationsService {
  private readonly logger = new Logger('Integrations');
  private readonly listeners = new Set<IntegrationChangeListener>();

  constructor(
    private readonly repository: IntegrationRepository,
    private readonly box: SecretBox,
    private readonly statuses: ConnectionStatusRegistry,
  ) {}

  onChange(listener: IntegrationChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async put<K extends IntegrationKind>(tenantId: string, kind: K, settings: IntegrationSettingsByKind[K]): Promise<IntegrationView> {
    const secretField = SECRET_FIELD[kind];
    const { [secretField]: secret, ...rest } = settings as Record<string, unknown>;
    const row = await this.repository.upsert(tenantId, kind, rest, this.box.seal(String(secret), context(tenantId, kind)));
    this.logger.log(`${kind} integration of ${tenantId} saved (version ${row.version})`);
    this.emit(tenantId, kind);
    return this.toView(row);
  }

  async view(tenantId: string, kind: IntegrationKind): Promise<IntegrationView> {
    const row = await this.repository.find(tenantId, kind);
    return row ? this.toView(row) : { kind, configured: false };
  }

  async remove(tenantId: string, kind: IntegrationKind): Promise<boolean> {
    const removed = await this.repository.delete(tenantId, kind);
    if (removed) {
      this.logger.log(`${kind} integration of ${tenantId} removed`);
      this.emit(tenantId, kind);
    }
    return removed;
  }

  async find<K extends IntegrationKind>(tenantId: string, kind: K): Promise<Integration<K> | undefined> {
    const row = await this.repository.find(tenantId, kind);
    return row ? this.decrypt(row, kind) : undefined;
  }

  /** Every tenant's integrations of these kinds, decrypted (for the socket clients). */
  async all<K extends IntegrationKind>(kind: K): Promise<Integration<K>[]> {
    const rows = await this.repository.listKinds([kind]);
    const out: Integration<K>[] = [];
    for (const row of rows) {
      try {
        out.push(this.decrypt(row, kind));
      } catch (error) {
        this.logger.error(`cannot decrypt the ${kind} secret of ${row.tenantId} (was INTEGRATION_SECRET_KEY changed?): ${errorMessage(error)}`);
      }
    }
    return out;
  }

  private decrypt<K extends IntegrationKind>(row: IntegrationRow, kind: K): Integration<K> {
    const secret = row.secretCiphertext === null ? '' : this.box.open(row.secretCiphertext, context(row.tenantId, kind));
    return {
      tenantId: row.tenantId,
      kind,
      version: row.version,
      settings: { ...row.settings, [SECRET_FIELD[kind]]: secret } as IntegrationSettingsByKind[K],
    };
  }

  private toView(row: IntegrationRow): IntegrationView {
    const connection = this.statuses.get(row.tenantId, row.kind);
    return {
      ...row.settings,
      kind: row.kind,
      configured: true,
      updatedAt: row.updatedAt.toISOString(),
      ...(connection ? { connection } : {}),
    };
  }

  private emit(tenantId: string, kind: IntegrationKind): void {
    for (const listener of this.listeners) listener({ tenantId, kind });
  }
}

function context(tenantId: string, kind: IntegrationKind): string {
  return `${tenantId}/${kind}`;
}
