import { Module } from '@nestjs/common';
import { ScoringModule } from '../scoring/scoring.module';
import { InsightsController } from './insights.controller';
import { InteractionEventsHandler } from './interaction-events.handler';
import { InteractionInsightRepository } from './interaction-insight.repository';
import { InteractionInsightsUseCase } from './interaction-insights.use-case';
import { KudosController } from './kudos.controller';
import { KudosRepository } from './kudos.repository';

@Module({
  imports: [ScoringModule],
  controllers: [InsightsController, KudosController],
  providers: [InteractionInsightRepository, KudosRepository, InteractionInsightsUseCase, InteractionEventsHandler],
})
export class InsightsModule {}
