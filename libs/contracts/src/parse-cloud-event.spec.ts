import { exampleEvent } from './examples';
import { EVENT_TYPES } from './registry';
import { parseCloudEvent } from './parse-cloud-event';

describe('parseCloudEvent', () => {
  it.each(EVENT_TYPES)('accepts a valid %s event', (type) => {
    const input = exampleEvent(type);
    const result = parseCloudEvent(input);
    expect(result).toEqual({ success: true, event: input });
  });

  it('narrows data by type', () => {
    const result = parseCloudEvent(exampleEvent('interaction.created'));
    if (!result.success) throw new Error('expected success');
    const { event } = result;
    if (event.type !== 'interaction.created') throw new Error('expected interaction.created');
    expect(event.data.customer.id).toBe('cust-9');
  });

  it('reports an unknown type at "type", without looking at data', () => {
    const result = parseCloudEvent(exampleEvent('interaction.created', { type: 'interaction.exploded', data: 1 }));
    expect(result).toEqual({ success: false, issues: [{ path: 'type', message: 'Unknown event type "interaction.exploded"' }] });
  });

  it('reports data issues under "data." with the full dotted path', () => {
    const input = exampleEvent('interaction.created');
    delete (input.data as { customer: { id?: string } }).customer.id;
    const result = parseCloudEvent(input);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.issues.map((issue) => issue.path)).toEqual(['data.customer.id']);
  });

  it('reports array indices in paths', () => {
    const input = exampleEvent('routing.offered');
    const data = input.data as { explanation: { candidates: { agentId: string }[] } };
    data.explanation.candidates[1].agentId = '';
    const result = parseCloudEvent(input);
    if (result.success) throw new Error('expected failure');
    expect(result.issues[0].path).toBe('data.explanation.candidates.1.agentId');
  });

  it('reports envelope issues first and only', () => {
    const input = exampleEvent('interaction.created', { tenantid: 'ACME' });
    delete (input.data as { queueId?: string }).queueId;
    const result = parseCloudEvent(input);
    if (result.success) throw new Error('expected failure');
    expect(result.issues.map((issue) => issue.path)).toEqual(['tenantid']);
  });

  it('reports a data payload of the wrong shape at "data"', () => {
    const result = parseCloudEvent(exampleEvent('agent.state_changed', { data: 'available' }));
    if (result.success) throw new Error('expected failure');
    expect(result.issues.map((issue) => issue.path)).toEqual(['data']);
  });

  it('drops unknown data fields so older consumers keep working when fields are added', () => {
    const input = exampleEvent('agent.state_changed');
    const result = parseCloudEvent({ ...input, data: { ...(input.data as object), addedLater: true } });
    if (!result.success) throw new Error('expected success');
    expect(result.event.data).not.toHaveProperty('addedLater');
  });

  it('collects every data issue', () => {
    const result = parseCloudEvent(exampleEvent('interaction.utterance', { data: { interactionId: '', speaker: 'bot', text: '' } }));
    if (result.success) throw new Error('expected failure');
    expect(result.issues.map((issue) => issue.path).sort()).toEqual(['data.interactionId', 'data.speaker', 'data.text']);
  });
});
