import { Module } from '@nestjs/common';
import { PlatformModule } from '@switchboard/platform';
import { IntakeInit1764000000100 } from './archive/intake-init.migration';
import { IntakeConfigModule } from './config/intake-config.module';
import { DEFAULT_PORT, intakeEnvSchema, SERVICE_NAME } from './config/intake.config';
import { EventsModule } from './events/events.module';
import { HttpModule } from './http/http.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { TelephonyModule } from './telephony/telephony.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    PlatformModule.forRoot({
      service: SERVICE_NAME,
      defaultPort: DEFAULT_PORT,
      envSchema: intakeEnvSchema,
      database: { entities: [], migrations: [IntakeInit1764000000100] },
      // Thousands of requests a second: counted by the request metrics, failures logged, not each one logged.
      logging: { unloggedRoutes: [{ method: 'POST', path: 'v1/events' }] },
    }),
    IntakeConfigModule,
    HttpModule,
    EventsModule,
    IntegrationsModule,
    WebhooksModule,
    TelephonyModule,
  ],
})
export class AppModule {}
