import { Module } from '@nestjs/common';
import { PlatformModule } from '@switchboard/platform';
import { DEFAULT_PORT, SERVICE_NAME } from './config/analytics.config';
import { InteractionInsights1763800000000 } from './database/1763800000000-interaction-insights';
import { InsightsModule } from './insights/insights.module';
import { ScoringModule } from './scoring/scoring.module';

@Module({
  imports: [
    PlatformModule.forRoot({
      service: SERVICE_NAME,
      defaultPort: DEFAULT_PORT,
      database: { migrations: [InteractionInsights1763800000000] },
    }),
    ScoringModule,
    InsightsModule,
  ],
})
export class AppModule {}
