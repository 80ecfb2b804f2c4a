import { Module } from '@nestjs/common';
import { ChurnEventsHandler } from './churn-events.handler';
import { ChurnController } from './churn.controller';
import { ChurnRepository } from './churn.repository';
import { ChurnUseCase } from './churn.use-case';

@Module({
  controllers: [ChurnController],
  providers: [ChurnRepository, ChurnUseCase, ChurnEventsHandler],
})
export class ChurnModule {}
