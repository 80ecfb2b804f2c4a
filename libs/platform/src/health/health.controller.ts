import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import { DatabaseHealth } from '../database/database.health';
import { MessagingHealth } from '../messaging';
import { RedisHealth } from '../redis/redis.module';

type Probe = { isHealthy(): Promise<{ ok: boolean; detail?: string }> };

/** Liveness (the process answers) and readiness (NATS, PostgreSQL and Redis answer). */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly nats: MessagingHealth,
    private readonly postgres: DatabaseHealth,
    private readonly redis: RedisHealth,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up and its event loop answers' })
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: NATS, PostgreSQL and Redis all answer (503 otherwise)' })
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.probe('nats', this.nats),
      () => this.probe('postgres', this.postgres),
      () => this.probe('redis', this.redis),
    ]);
  }

  private async probe<K extends string>(key: K, probe: Probe) {
    const session = this.indicators.check(key);
    const { ok, detail } = await probe.isHealthy();
    return ok ? session.up() : session.down({ message: detail ?? 'unavailable' });
  }
}
