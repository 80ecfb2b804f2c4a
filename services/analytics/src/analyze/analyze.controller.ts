import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiZodBody, ZodValidationPipe } from '@switchboard/platform';
import { z } from 'zod';
import { ScorerProvider } from '../scoring/scorer.provider';
import type { UtteranceScore } from '../scoring/utterance-scorer';

const textSchema = z.string().min(1).max(10_000);
const analyzeSchema = z.object({ text: textSchema }).strict();
const batchSchema = z.object({ texts: z.array(textSchema).min(1).max(1000) }).strict();

@ApiTags('analyze')
@Controller('v1/analyze')
export class AnalyzeController {
  constructor(private readonly scorer: ScorerProvider) {}

  /** Scores one text: sentiment, abuse, gratitude, small talk. */
  @Post()
  @HttpCode(200)
  @ApiZodBody(analyzeSchema)
  analyze(@Body(new ZodValidationPipe(analyzeSchema)) body: z.infer<typeof analyzeSchema>): UtteranceScore {
    return this.scorer.scorer.score(body.text);
  }

  /** Scores up to 1,000 texts; results come back in the same order. */
  @Post('batch')
  @HttpCode(200)
  @ApiZodBody(batchSchema)
  batch(@Body(new ZodValidationPipe(batchSchema)) body: z.infer<typeof batchSchema>): { results: UtteranceScore[] } {
    const scorer = this.scorer.scorer;
    return { results: body.texts.map((text) => scorer.score(text)) };
  }
}
