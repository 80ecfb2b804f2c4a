import { Module } from '@nestjs/common';
import { JwtAuthGuard } from '@switchboard/platform';
import { KpisModule } from '../kpis/kpis.module';
import { LiveStreamController } from './live-stream.controller';
import { LiveStreamHub } from './live-stream.hub';

@Module({
  imports: [KpisModule],
  controllers: [LiveStreamController],
  providers: [LiveStreamHub, JwtAuthGuard],
})
export class StreamModule {}
