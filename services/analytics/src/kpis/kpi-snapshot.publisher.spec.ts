import { snapshotGapMs } from './kpi-snapshot.publisher';

describe('snapshotGapMs', () => {
  it('keeps the configured gap while snapshots are cheap', () => {
    expect(snapshotGapMs(500, undefined)).toBe(500);
    expect(snapshotGapMs(500, 40)).toBe(500);
    expect(snapshotGapMs(500, 50)).toBe(500);
  });

  it('spaces costly snapshots so they take at most a tenth of the time', () => {
    expect(snapshotGapMs(500, 80.25)).toBe(803);
    expect(snapshotGapMs(500, 700)).toBe(7000);
  });
});
