import { NOTIFICATION_CHANNELS } from './notify.events';
import { dataIssues, sampleWith } from '../../test/data-issues';

describe('notify events', () => {
  it.each(NOTIFICATION_CHANNELS)('notify.delivered accepts channel %s', (channel) => {
    expect(dataIssues('notify.delivered', sampleWith('notify.delivered', { channel }))).toEqual([]);
  });

  it.each([
    ['channel', { channel: 'pager' }],
    ['attempt', { attempt: 0 }],
    ['attempt', { attempt: 1.5 }],
    ['recipient', { recipient: '' }],
    ['notificationId', { notificationId: undefined }],
  ])('notify.delivered rejects an invalid %s', (path, changes) => {
    expect(dataIssues('notify.delivered', sampleWith('notify.delivered', changes))).toContain(path);
  });

  it('notify.failed requires the error and whether it was final', () => {
    expect(dataIssues('notify.failed', sampleWith('notify.failed', { final: false, nextAttemptAt: '2025-03-01T09:01:00Z' }))).toEqual([]);
    expect(dataIssues('notify.failed', sampleWith('notify.failed', { error: undefined, final: undefined })).sort()).toEqual(['error', 'final']);
  });
});
