import { onEventRegistrations } from '@switchboard/platform';
import { NotificationEventsHandler } from './notification-events.handler';
import { NOTIFYING_EVENT_TYPES } from './notification-plan';

describe('NotificationEventsHandler', () => {
  const registrations = onEventRegistrations(NotificationEventsHandler.prototype.handle);

  it('consumes every type that can notify, once', () => {
    const types = registrations.flatMap((registration) => registration.types);
    expect([...types].sort()).toEqual([...NOTIFYING_EVENT_TYPES].sort());
  });

  it('gives each analytics type a durable of its own, and keeps an offer and its rescission on one', () => {
    for (const registration of registrations.filter((r) => r.types.some((type) => type.startsWith('analytics.')))) {
      expect(registration.types).toHaveLength(1);
      expect(registration.consumer).toEqual(expect.any(String));
    }
    const offers = registrations.find((r) => r.types.includes('routing.offered'));
    expect(offers?.types).toEqual(expect.arrayContaining(['routing.offered', 'routing.offer_rescinded']));
    expect(new Set(registrations.map((r) => r.consumer)).size).toBe(registrations.length);
  });
});
