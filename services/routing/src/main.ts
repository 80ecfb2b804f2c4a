import 'reflect-metadata';
import { bootstrapService } from '@switchboard/platform';
import { AppModule } from './app.module';
import { API_DESCRIPTION } from './config/routing.config';

void bootstrapService(AppModule, API_DESCRIPTION);
