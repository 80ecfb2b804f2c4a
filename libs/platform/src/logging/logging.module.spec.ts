import { RequestContext } from '../context/request-context';
import { contextLogFields, REDACTED_PATHS, redactUrl } from './logging.module';

describe('log context', () => {
  it('carries tenant, interaction, event and trace ids of the current unit of work', () => {
    const fields = RequestContext.run(
      {
        tenantId: 'acme',
        interactionId: 'int-1',
        eventId: 'evt-1',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
      () => contextLogFields(),
    );
    expect(fields).toEqual({
      tenantId: 'acme',
      interactionId: 'int-1',
      eventId: 'evt-1',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    });
  });

  it('adds nothing outside a unit of work', () => {
    expect(contextLogFields()).toEqual({});
  });

  it('redacts credentials', () => {
    expect(REDACTED_PATHS).toEqual(expect.arrayContaining(['req.headers.authorization', '*.secret', '*.authToken', '*.password']));
  });
});

describe('redactUrl', () => {
  it('hides credential-bearing query parameters and keeps the rest', () => {
    expect(redactUrl('/v1/stream?access_token=abc.def.ghi&types=kudos')).toBe('/v1/stream?access_token=[redacted]&types=kudos');
    expect(redactUrl('/ws?since=4&Token=secret')).toBe('/ws?since=4&Token=[redacted]');
    expect(redactUrl('/v1/x?access%5Ftoken=abc')).toBe('/v1/x?access%5Ftoken=[redacted]');
  });

  it('leaves URLs without credentials as they are', () => {
    expect(redactUrl('/v1/kpis?window=day')).toBe('/v1/kpis?window=day');
    expect(redactUrl('/v1/kpis')).toBe('/v1/kpis');
    expect(redactUrl('/v1/x?%E0%A4%A=1')).toBe('/v1/x?%E0%A4%A=1');
  });
});
