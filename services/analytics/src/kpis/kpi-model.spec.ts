import { breaches, dayWindow, liveWindow, occupancy, staffingFor, toKpis, type ContactAggregates } from './kpi-model';

const contacts = (changes: Partial<ContactAggregates> = {}): ContactAggregates => ({
  offered: 0,
  answered: 0,
  answeredWithinThreshold: 0,
  abandoned: 0,
  handled: 0,
  longestWaitSeconds: 0,
  waiting: 0,
  fcrBase: 0,
  fcrResolved: 0,
  ...changes,
});

describe('KPI model', () => {
  it('measures service level as answered within the threshold / (answered + abandoned)', () => {
    const kpis = toKpis(contacts({ offered: 10, answered: 8, answeredWithinThreshold: 6, abandoned: 2, asaSeconds: 12.345, fcrBase: 4, fcrResolved: 3 }), [], []);
    expect(kpis).toMatchObject({ serviceLevel: 0.6, abandonmentRate: 0.2, asaSeconds: 12.35, fcr: 0.75 });
  });

  it('leaves rates out when nothing was answered or abandoned', () => {
    const kpis = toKpis(contacts({ offered: 3, waiting: 3, longestWaitSeconds: 42 }), [], []);
    expect(kpis).toEqual({ offered: 3, answered: 0, abandoned: 0, longestWaitSeconds: 42, queueDepth: 3, agentsByState: {} });
  });

  it('computes occupancy as (busy + wrap-up) / logged-in time over all agents, and counts agents by state', () => {
    const times = [
      { agentId: 'a', seconds: { busy: 600, wrap_up: 120, available: 180 } },
      { agentId: 'b', seconds: { busy: 300, available: 600, break: 900, offline: 3600 } },
    ];
    expect(occupancy(times)).toBeCloseTo(1020 / 1800, 4);
    expect(occupancy([{ agentId: 'c', seconds: { break: 60 } }])).toBeUndefined();
    expect(toKpis(contacts(), times, [{ state: 'busy' }, { state: 'busy' }, { state: 'break' }]).agentsByState).toEqual({ busy: 2, break: 1 });
  });

  it('recommends Erlang C staffing from the window arrival rate and AHT (callcentrehelper example: 14 agents)', () => {
    const window = { from: '2025-03-01T09:00:00Z', to: '2025-03-01T09:30:00Z', kind: 'live' as const };
    const kpis = toKpis(contacts({ offered: 100, ahtSeconds: 180 }), [], []);
    expect(staffingFor(kpis, window, { percent: 80, seconds: 20 })).toEqual({ recommendedAgents: 14, expectedServiceLevel: 0.8884 });
    expect(staffingFor(toKpis(contacts({ offered: 100 }), [], []), window, { percent: 80, seconds: 20 })).toBeUndefined();
  });

  it('judges a breach only when there is a service level below target', () => {
    expect(breaches(toKpis(contacts({ answered: 4, answeredWithinThreshold: 3 }), [], []), { percent: 80, seconds: 20 })).toBe(true);
    expect(breaches(toKpis(contacts({ answered: 5, answeredWithinThreshold: 4 }), [], []), { percent: 80, seconds: 20 })).toBe(false);
    expect(breaches(toKpis(contacts({ offered: 5 }), [], []), { percent: 80, seconds: 20 })).toBe(false);
  });

  it('builds live windows ending now and UTC day windows (today ends now)', () => {
    const now = new Date('2025-03-01T10:15:00.000Z');
    expect(liveWindow(now, 15)).toEqual({ from: '2025-03-01T10:00:00.000Z', to: '2025-03-01T10:15:00.000Z', kind: 'live' });
    // The last 15 whole minutes and the current one so far: it starts on a whole minute, as the per-minute counts do.
    expect(liveWindow(new Date('2025-03-01T10:15:42.500Z'), 15)).toEqual({ from: '2025-03-01T10:00:00.000Z', to: '2025-03-01T10:15:42.500Z', kind: 'live' });
    expect(dayWindow(now)).toEqual({ from: '2025-03-01T00:00:00.000Z', to: '2025-03-01T10:15:00.000Z', kind: 'day' });
    expect(dayWindow(now, '2025-02-28')).toEqual({ from: '2025-02-28T00:00:00.000Z', to: '2025-03-01T00:00:00.000Z', kind: 'day' });
  });
});
