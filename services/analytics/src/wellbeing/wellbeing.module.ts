import { Module } from '@nestjs/common';
import { WellbeingEventsHandler } from './wellbeing-events.handler';
import { WellbeingController } from './wellbeing.controller';
import { WellbeingRepository } from './wellbeing.repository';
import { WellbeingUseCase } from './wellbeing.use-case';

@Module({
  controllers: [WellbeingController],
  providers: [WellbeingRepository, WellbeingUseCase, WellbeingEventsHandler],
  exports: [WellbeingRepository],
})
export class WellbeingModule {}
