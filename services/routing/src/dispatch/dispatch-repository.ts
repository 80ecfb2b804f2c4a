import type { Provider } from '@nestjs/common';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { PLATFORM_CONFIG, SERVICE_ENV, type PlatformConfig } from '@switchboard/platform';
import type { RoutingEnv } from '../config/routing.config';
import { RoutingRepository } from '../persistence/routing.repository';

/**
 * The routing repository on the decision rounds' own small pool (`ROUTING_DISPATCH_POOL_MAX` connections): a round's
 * reads and offer commits never queue for a connection behind consumer transactions or API requests.
 */
export class DispatchRepository extends RoutingRepository {
  /** Closes the pool (after the last round). */
  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

export const dispatchRepositoryProvider: Provider = {
  provide: DispatchRepository,
  inject: [DataSource, PLATFORM_CONFIG, SERVICE_ENV],
  useFactory: async (main: DataSource, config: PlatformConfig, env: RoutingEnv): Promise<DispatchRepository> => {
    const options = {
      ...main.options,
      migrations: [],
      applicationName: `${config.service}-dispatch`,
      extra: { ...(main.options.extra as Record<string, unknown> | undefined), max: env.ROUTING_DISPATCH_POOL_MAX },
    } as DataSourceOptions;
    return new DispatchRepository(await new DataSource(options).initialize(), config);
  },
};
