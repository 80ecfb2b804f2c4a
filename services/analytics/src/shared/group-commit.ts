/**
 * Gathers work items and writes them together: the items that arrive in one turn of the event loop (a pulled batch of
 * messages) and those arriving while earlier ones are being written go into one write (at most `maxBatch` each, at most
 * `maxWrites` at a time). Under load batches grow by themselves; when idle an item waits one turn of the event loop.
 * Each `add` settles when its batch has been written (or failed).
 */
export class GroupCommit<T> {
  private pending: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing = 0;
  private scheduled = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch: number,
    private readonly maxWrites: number,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.writing >= this.maxWrites || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.writing < this.maxWrites && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.writing++;
      this.write(batch.map((entry) => entry.item))
        .then(
          () => batch.forEach((entry) => entry.resolve()),
          (error: unknown) => batch.forEach((entry) => entry.reject(error)),
        )
        .finally(() => {
          this.writing--;
          this.schedule();
        });
    }
  }
}
