import { AGENT_STATES } from '../primitives';
import { dataIssues } from '../../test/data-issues';

describe('agent.state_changed', () => {
  it.each(AGENT_STATES)('accepts state %s', (state) => {
    expect(dataIssues('agent.state_changed', { agentId: 'a', state })).toEqual([]);
  });

  it('carries an optional previous state and reason', () => {
    expect(dataIssues('agent.state_changed', { agentId: 'a', state: 'break', previousState: 'busy', reason: 'lunch' })).toEqual([]);
  });

  it.each([
    ['state', { agentId: 'a', state: 'away' }],
    ['state', { agentId: 'a' }],
    ['agentId', { state: 'available' }],
    ['previousState', { agentId: 'a', state: 'busy', previousState: 'idle' }],
    ['reason', { agentId: 'a', state: 'busy', reason: '' }],
  ])('rejects an invalid %s', (path, data) => {
    expect(dataIssues('agent.state_changed', data)).toContain(path);
  });
});
