import { Module } from '@nestjs/common';
import { BodyParsers } from './body-parsers';

/** HTTP edge settings of intake (body parsers). */
@Module({ providers: [BodyParsers] })
export class HttpModule {}
