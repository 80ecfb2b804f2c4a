import { shortFaultProfile } from './profiles';
import { runScenario, type ScenarioResult } from './scenario';

// Starts its own NATS, PostgreSQL and Redis and the four services as processes: 60 s on a calm two-core machine,
// 105–160 s at a load average of 12, about ten minutes above 25 (start-up of the services is most of it).
jest.setTimeout(900_000);

describe('fault suite (short form): kill -9 of each service, NATS, PostgreSQL and Redis restarts under load', () => {
  let result: ScenarioResult;

  beforeAll(async () => {
    result = await runScenario(shortFaultProfile());
    process.stdout.write(`${result.table}\n`);
  });

  it('accepted traffic before, during and after the faults', () => {
    const interactions = result.rows.find((r) => r.check === 'routing: assignments');
    expect(interactions?.accepted).toBeGreaterThan(10);
    expect(result.rows.find((r) => r.check === 'intake: archive')?.accepted).toBeGreaterThan(50);
  });

  it('lost nothing that got a 202 and processed it once in effect, in every service', () => {
    expect(result.rows.filter((r) => r.lost !== 0 || r.duplicated !== 0)).toEqual([]);
  });

  it('assigned every accepted interaction, refused no valid request', () => {
    expect(result.undrained).toBe(0);
    expect(result.refusals).toEqual([]);
  });
});
