import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ArchiveRepository } from '../archive/archive.repository';
import { INTAKE_SETTINGS, type IntakeSettings } from '../config/intake.config';
import { DedupRepository } from '../dedup/dedup.repository';
import { errorMessage } from '@switchboard/platform';

const PAGE = 5000;
const LOCK_MS = 120_000;

/**
 * Rebuilds the Redis de-duplication ledger from the archive when Redis has lost it (first start, flush,
 * restart without persistence): every id archived within the window is marked accepted again, then the
 * ledger's ready marker is set. Until then requests check their ids against the archive themselves.
 */
@Injectable()
export class LedgerRecovery implements OnApplicationBootstrap {
  private readonly logger = new Logger('DedupLedger');
  private running: Promise<void> | undefined;

  constructor(
    private readonly dedup: DedupRepository,
    private readonly archive: ArchiveRepository,
    @Inject(INTAKE_SETTINGS) private readonly settings: IntakeSettings,
  ) {}

  /** Starts a rebuild in the background when the ledger is missing; requests meanwhile ask the archive. */
  onApplicationBootstrap(): void {
    this.dedup
      .isReady()
      .then((ready) => (ready ? undefined : this.rebuild()))
      .catch((error: unknown) => this.logger.warn(`could not check the ledger: ${errorMessage(error)}`));
  }

  /** Starts a rebuild unless one runs in this process; returns it. */
  rebuild(): Promise<void> {
    this.running ??= this.run()
      .catch((error: unknown) => this.logger.error(`rebuilding the ledger failed: ${errorMessage(error)}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<void> {
    const owner = randomUUID();
    if (!(await this.dedup.lockRebuild(owner, LOCK_MS))) return;
    try {
      const started = Date.now();
      let after = '0';
      let restored = 0;
      for (;;) {
        const page = await this.archive.recentIds(this.settings.dedupTtlMs, after, PAGE);
        const last = page[page.length - 1];
        if (!last) break;
        await this.dedup.restore(page.map((p) => ({ id: p.id, ttlMs: this.settings.dedupTtlMs - p.ageMs })));
        restored += page.length;
        after = last.seq;
      }
      await this.dedup.markReady();
      this.logger.log(`ledger rebuilt from the archive: ${restored} event id(s) in ${Date.now() - started} ms`);
    } finally {
      await this.dedup.unlockRebuild(owner);
    }
  }
}
