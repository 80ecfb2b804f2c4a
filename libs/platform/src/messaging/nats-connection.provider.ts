import { errorMessage } from '../errors/error-message';
import { Inject, Injectable, Logger, OnApplicationShutdown, type Provider } from '@nestjs/common';
import { connect, Events, type NatsConnection } from 'nats';
import type { PlatformConfig } from '../config/platform-config';
import { PLATFORM_CONFIG } from '../config/tokens';
import { NATS_CONNECTION } from './messaging.options';

const logger = new Logger('Nats');

/**
 * Connects to NATS once at start (fails fast when the server is unreachable then), and afterwards
 * reconnects forever, logging every status change.
 */
export async function connectNats(config: PlatformConfig): Promise<NatsConnection> {
  const nc = await connect({
    servers: config.nats.url.split(',').map((s) => s.trim()),
    name: config.service,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    reconnectJitter: 500,
    pingInterval: 20_000,
    timeout: 10_000,
    // Every request (each JetStream publish) would otherwise allocate up to three Errors to capture the
    // caller's stack for a possible timeout: a large share of a publish's CPU and garbage. Errors still
    // carry their code and message.
    noAsyncTraces: true,
  });
  logger.log(`connected to ${nc.getServer()} as "${config.service}"`);
  void logStatus(nc);
  return nc;
}

async function logStatus(nc: NatsConnection): Promise<void> {
  for await (const status of nc.status()) {
    const data = typeof status.data === 'string' ? status.data : JSON.stringify(status.data);
    switch (status.type) {
      case Events.Disconnect:
        logger.warn(`disconnected from ${data}; reconnecting`);
        break;
      case Events.Reconnect:
        logger.log(`reconnected to ${data}`);
        break;
      case Events.Error:
        logger.error(`connection error: ${data}`);
        break;
      case Events.LDM:
        logger.warn(`server ${data} entered lame duck mode`);
        break;
      case Events.Update:
        logger.debug(`cluster update: ${data}`);
        break;
      default:
        logger.verbose(`status ${status.type}: ${data}`);
    }
  }
}

export const natsConnectionProvider: Provider = {
  provide: NATS_CONNECTION,
  inject: [PLATFORM_CONFIG],
  useFactory: connectNats,
};

/**
 * Drains the connection last, once the consumers have stopped (they stop in
 * `beforeApplicationShutdown`, which Nest runs before every `onApplicationShutdown`).
 */
@Injectable()
export class NatsConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.nc.isClosed()) return;
    try {
      await this.nc.drain();
    } catch (error) {
      logger.warn(`drain failed, closing: ${errorMessage(error)}`);
      await this.nc.close();
    }
  }
}
