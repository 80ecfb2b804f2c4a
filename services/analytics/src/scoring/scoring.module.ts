import { Module } from '@nestjs/common';
import { AnalyzeController } from '../analyze/analyze.controller';
import { ScorerProvider } from './scorer.provider';

@Module({
  controllers: [AnalyzeController],
  providers: [ScorerProvider],
  exports: [ScorerProvider],
})
export class ScoringModule {}
