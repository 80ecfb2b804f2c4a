import { ForbiddenError } from '../errors/app-error';
import { Principal } from './principal';

describe('Principal', () => {
  it('lets agents act only as themselves', () => {
    const agent = new Principal('acme', 'agent', 'agent-7');
    expect(() => agent.assertMayActAsAgent('agent-7')).not.toThrow();
    expect(() => agent.assertMayActAsAgent('agent-8')).toThrow(ForbiddenError);
    expect(() => new Principal('acme', 'supervisor', 'sue').assertMayActAsAgent('agent-8')).not.toThrow();
    expect(() => new Principal('acme', 'ingest', undefined).assertMayActAsAgent('agent-8')).toThrow(ForbiddenError);
  });

  it('scopes to its own tenant', () => {
    const admin = new Principal('acme', 'admin', undefined);
    expect(() => admin.assertTenant('acme')).not.toThrow();
    expect(() => admin.assertTenant('globex')).toThrow(ForbiddenError);
  });
});
