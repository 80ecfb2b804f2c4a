import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PLATFORM_CONFIG, quoteIdent, type PlatformConfig } from '@switchboard/platform';
import type { IntegrationKind } from './integration-settings.schema';

export interface IntegrationRow {
  tenantId: string;
  kind: IntegrationKind;
  /** Settings without the secret. */
  settings: Record<string, unknown>;
  secretCiphertext: string | null;
  version: number;
  updatedAt: Date;
}

interface DbRow {
  tenant_id: string;
  kind: IntegrationKind;
  settings: Record<string, unknown>;
  secret_ciphertext: string | null;
  version: number;
  updated_at: Date;
}

/** Per-tenant integration settings in Postgres (secrets only as ciphertext). */
@Injectable()
export class IntegrationRepository {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.table = `${quoteIdent(config.database.schema)}.integration`;
  }

  async upsert(tenantId: string, kind: IntegrationKind, settings: Record<string, unknown>, secretCiphertext: string): Promise<IntegrationRow> {
    const rows: DbRow[] = await this.dataSource.query(
      `INSERT INTO ${this.table} (tenant_id, kind, settings, secret_ciphertext) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, kind) DO UPDATE
         SET settings = EXCLUDED.settings, secret_ciphertext = EXCLUDED.secret_ciphertext,
             version = ${this.table}.version + 1, updated_at = now()
       RETURNING *`,
      [tenantId, kind, JSON.stringify(settings), secretCiphertext],
    );
    return toRow(rows[0] as DbRow);
  }

  async find(tenantId: string, kind: IntegrationKind): Promise<IntegrationRow | undefined> {
    const rows: DbRow[] = await this.dataSource.query(`SELECT * FROM ${this.table} WHERE tenant_id = $1 AND kind = $2`, [tenantId, kind]);
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  async listKinds(kinds: readonly IntegrationKind[]): Promise<IntegrationRow[]> {
    const rows: DbRow[] = await this.dataSource.query(`SELECT * FROM ${this.table} WHERE kind = ANY($1::text[]) ORDER BY tenant_id, kind`, [kinds]);
    return rows.map(toRow);
  }

  async delete(tenantId: string, kind: IntegrationKind): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(`DELETE FROM ${this.table} WHERE tenant_id = $1 AND kind = $2`, [tenantId, kind]);
    return result[1] > 0;
  }
}

function toRow(row: DbRow): IntegrationRow {
  return {
    tenantId: row.tenant_id,
    kind: row.kind,
    settings: row.settings,
    secretCiphertext: row.secret_ciphertext,
    version: row.version,
    updatedAt: row.updated_at,
  };
}
