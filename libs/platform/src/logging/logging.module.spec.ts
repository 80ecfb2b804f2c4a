import { RequestContext } from '../context/request-context';
import { contextLogFields, REDACTED_PATHS } from './logging.module';

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
