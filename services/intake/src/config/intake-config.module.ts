import { Global, Module } from '@nestjs/common';
import { SERVICE_ENV } from '@switchboard/platform';
import { INTAKE_SETTINGS, toIntakeSettings, type IntakeEnv } from './intake.config';

/** Intake's typed settings (INTAKE_SETTINGS), read from the validated environment. */
@Global()
@Module({
  providers: [{ provide: INTAKE_SETTINGS, inject: [SERVICE_ENV], useFactory: (env: IntakeEnv) => toIntakeSettings(env) }],
  exports: [INTAKE_SETTINGS],
})
export class IntakeConfigModule {}
