import { Module } from '@nestjs/common';
import { PlatformModule } from '@switchboard/platform';
import { DEFAULT_PORT, SERVICE_NAME } from './config/routing.config';

@Module({
  imports: [PlatformModule.forRoot({ service: SERVICE_NAME, defaultPort: DEFAULT_PORT })],
})
export class AppModule {}
