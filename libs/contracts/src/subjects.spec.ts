import { EVENT_TYPES } from './registry';
import { parseSubject, subjectFor, typeSubjectFilter } from './subjects';

describe('subjects', () => {
  it('builds cc.<tenant>.<type>', () => {
    expect(subjectFor('acme', 'interaction.created')).toBe('cc.acme.interaction.created');
    expect(subjectFor('acme', 'interaction.created.v2')).toBe('cc.acme.interaction.created.v2');
  });

  it.each(['', 'Acme', '-acme', 'ac.me', 'ac*', 'acme>', 'a'.repeat(41), 'ac me'])('rejects tenant %p', (tenant) => {
    expect(() => subjectFor(tenant, 'interaction.created')).toThrow(/tenant/i);
  });

  it.each(['', 'interaction.*', 'interaction.>', 'interaction..created', '.created', 'interaction created'])(
    'rejects a type that is not a literal subject: %p',
    (type) => {
      expect(() => subjectFor('acme', type)).toThrow(/type/i);
    },
  );

  it.each(EVENT_TYPES)('round-trips %s through parseSubject', (type) => {
    expect(parseSubject(subjectFor('tenant-42', type))).toEqual({ tenant: 'tenant-42', type });
  });

  it.each(['cc.acme', 'cc.acme.', 'xx.acme.interaction.created', 'cc.ACME.interaction.created', 'cc.*.interaction.created', 'cc.acme.interaction.>', 'dlq.intake.archive'])(
    'parseSubject returns undefined for %p',
    (subject) => {
      expect(parseSubject(subject)).toBeUndefined();
    },
  );

  it('builds an all-tenants filter for one type', () => {
    expect(typeSubjectFilter('routing.offered')).toBe('cc.*.routing.offered');
    expect(() => typeSubjectFilter('routing.>')).toThrow();
  });
});
