import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { errorMessage } from '../errors/error-message';
import { NATS_CONNECTION } from './messaging.options';

/** Readiness probe: the NATS connection is open and the server answers a round trip in time. */
@Injectable()
export class MessagingHealth {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async isHealthy(timeoutMs = 2000): Promise<{ ok: boolean; detail?: string }> {
    if (this.nc.isClosed()) return { ok: false, detail: 'NATS connection closed' };
    let timer: NodeJS.Timeout | undefined;
    try {
      const rtt = await Promise.race([
        this.nc.rtt(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer from NATS within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { ok: true, detail: `rtt ${rtt} ms` };
    } catch (error) {
      return { ok: false, detail: errorMessage(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}
