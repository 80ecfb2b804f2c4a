import { Module } from '@nestjs/common';
import { WellbeingModule } from '../wellbeing/wellbeing.module';
import { KpiEventsHandler } from './kpi-events.handler';
import { KpiFactsUseCase } from './kpi-facts.use-case';
import { KpiQueryService } from './kpi-query.service';
import { KpiSnapshotPublisher } from './kpi-snapshot.publisher';
import { KpiRepository } from './kpi.repository';
import { KpisController } from './kpis.controller';
import { RecentQueueAgents } from './recent-queue-agents';

@Module({
  imports: [WellbeingModule],
  controllers: [KpisController],
  providers: [
    KpiRepository,
    {
      provide: RecentQueueAgents,
      inject: [KpiRepository],
      useFactory: (repository: KpiRepository) => new RecentQueueAgents((tenant, from, to) => repository.queueAgentAnswers(tenant, from, to)),
    },
    KpiQueryService,
    KpiSnapshotPublisher,
    KpiFactsUseCase,
    KpiEventsHandler,
  ],
  exports: [KpiRepository, KpiQueryService],
})
export class KpisModule {}
