import { Module } from '@nestjs/common';
import { ScoringModule } from '../scoring/scoring.module';
import { InsightsController } from './insights.controller';
import { InteractionEventsHandler } from './interaction-events.handler';
import { InteractionInsightRepository } from './interaction-insight.repository';
import { InteractionInsightsUseCase } from './interaction-insights.use-case';

@Module({
  imports: [ScoringModule],
  controllers: [InsightsController],
  providers: [InteractionInsightRepository, InteractionInsightsUseCase, InteractionEventsHandler],
})
export class InsightsModule {}
