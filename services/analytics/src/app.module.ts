import { Module } from '@nestjs/common';
import { PlatformModule } from '@switchboard/platform';
import { analyticsEnvSchema, DEFAULT_PORT, SERVICE_NAME } from './config/analytics.config';
import { InteractionInsights1763800000000 } from './database/1763800000000-interaction-insights';
import { ChurnModule } from './churn/churn.module';
import { Churn1763800000001 } from './database/1763800000001-churn';
import { AgentWellbeing1763800000002 } from './database/1763800000002-agent-wellbeing';
import { Kpis1763800000003 } from './database/1763800000003-kpis';
import { AgentShift1763800000004 } from './database/1763800000004-agent-shift';
import { KpiContactDerived1763800000005 } from './database/1763800000005-kpi-contact-derived';
import { KpiContactMinute1763800000006 } from './database/1763800000006-kpi-contact-minute';
import { KpiAgentTime1763800000007 } from './database/1763800000007-kpi-agent-time';
import { Kudos1763800000008 } from './database/1763800000008-kudos';
import { InsightsModule } from './insights/insights.module';
import { KpisModule } from './kpis/kpis.module';
import { ScoringModule } from './scoring/scoring.module';
import { StreamModule } from './stream/stream.module';
import { WellbeingModule } from './wellbeing/wellbeing.module';

@Module({
  imports: [
    PlatformModule.forRoot({
      service: SERVICE_NAME,
      defaultPort: DEFAULT_PORT,
      envSchema: analyticsEnvSchema,
      database: { migrations: [InteractionInsights1763800000000, Churn1763800000001, AgentWellbeing1763800000002, Kpis1763800000003, AgentShift1763800000004, KpiContactDerived1763800000005,
        KpiContactMinute1763800000006, KpiAgentTime1763800000007, Kudos1763800000008] },
    }),
    ScoringModule,
    InsightsModule,
    ChurnModule,
    WellbeingModule,
    KpisModule,
    StreamModule,
  ],
})
export class AppModule {}
