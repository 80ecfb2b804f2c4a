import { Module } from '@nestjs/common';
import { WellbeingModule } from '../wellbeing/wellbeing.module';
import { KpiEventsHandler } from './kpi-events.handler';
import { KpiFactsUseCase } from './kpi-facts.use-case';
import { KpiQueryService } from './kpi-query.service';
import { KpiSnapshotPublisher } from './kpi-snapshot.publisher';
import { KpiRepository } from './kpi.repository';
import { KpisController } from './kpis.controller';

@Module({
  imports: [WellbeingModule],
  controllers: [KpisController],
  providers: [KpiRepository, KpiQueryService, KpiSnapshotPublisher, KpiFactsUseCase, KpiEventsHandler],
  exports: [KpiRepository, KpiQueryService],
})
export class KpisModule {}
