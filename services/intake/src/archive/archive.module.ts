import { Module } from '@nestjs/common';
import { ArchiveConsumer } from './archive-consumer.service';
import { ArchiveRepository } from './archive.repository';

/** The event archive: its repository and the consumer that fills it from the streams. */
@Module({
  providers: [ArchiveRepository, ArchiveConsumer],
  exports: [ArchiveRepository],
})
export class ArchiveModule {}
