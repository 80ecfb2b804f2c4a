import { errorMessage } from '../errors/error-message';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Readiness probe for PostgreSQL. */
@Injectable()
export class DatabaseHealth {
  constructor(private readonly dataSource: DataSource) {}

  async isHealthy(): Promise<{ ok: boolean; detail?: string }> {
    if (!this.dataSource.isInitialized) return { ok: false, detail: 'not initialised' };
    try {
      await this.dataSource.query('SELECT 1');
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: errorMessage(error) };
    }
  }
}
