import { dataIssues, sampleWith } from '../../test/data-issues';

describe('interaction events', () => {
  describe('interaction.created', () => {
    it('accepts the minimal payload', () => {
      const minimal = { interactionId: 'i', channel: 'chat', direction: 'outbound', queueId: 'q', customer: { id: 'c' } };
      expect(dataIssues('interaction.created', minimal)).toEqual([]);
    });

    it.each(['voice', 'chat', 'email', 'video'])('accepts channel %s', (channel) => {
      expect(dataIssues('interaction.created', sampleWith('interaction.created', { channel }))).toEqual([]);
    });

    it.each([
      ['channel', { channel: 'sms' }],
      ['direction', { direction: 'sideways' }],
      ['queueId', { queueId: undefined }],
      ['interactionId', { interactionId: '' }],
      ['interactionId', { interactionId: 'x'.repeat(129) }],
      ['customer', { customer: undefined }],
      ['customer.id', { customer: { name: 'No Id' } }],
      ['customer.vip', { customer: { id: 'c', vip: 'yes' } }],
      ['language', { language: 'english!' }],
      ['priority', { priority: 11 }],
      ['priority', { priority: 2.5 }],
      ['attributes.ivr', { attributes: { ivr: 3 } }],
      ['externalId', { externalId: '' }],
    ])('rejects an invalid %s', (path, changes) => {
      expect(dataIssues('interaction.created', sampleWith('interaction.created', changes))).toContain(path);
    });

    it.each(['en', 'de-CH', 'zh-Hant-TW', 'es-419'])('accepts language tag %s', (language) => {
      expect(dataIssues('interaction.created', sampleWith('interaction.created', { language }))).toEqual([]);
    });
  });

  it.each(['interaction.answered', 'interaction.held', 'interaction.resumed'] as const)('%s needs only the interaction id', (type) => {
    expect(dataIssues(type, { interactionId: 'i' })).toEqual([]);
    expect(dataIssues(type, { agentId: 'a' })).toEqual(['interactionId']);
  });

  it('interaction.transferred accepts a queue or agent target', () => {
    expect(dataIssues('interaction.transferred', { interactionId: 'i', toAgentId: 'a2' })).toEqual([]);
    expect(dataIssues('interaction.transferred', { interactionId: 'i', toQueueId: '' })).toEqual(['toQueueId']);
  });

  describe('interaction.utterance', () => {
    it.each([
      ['speaker', { speaker: 'bot' }],
      ['text', { text: '' }],
      ['text', { text: 'x'.repeat(10_001) }],
      ['offsetMs', { offsetMs: -1 }],
      ['offsetMs', { offsetMs: 1.5 }],
    ])('rejects an invalid %s', (path, changes) => {
      expect(dataIssues('interaction.utterance', sampleWith('interaction.utterance', changes))).toContain(path);
    });

    it('accepts text of 10,000 characters', () => {
      expect(dataIssues('interaction.utterance', sampleWith('interaction.utterance', { text: 'x'.repeat(10_000) }))).toEqual([]);
    });
  });

  it.each(['completed', 'abandoned', 'failed', 'transferred'])('interaction.ended accepts reason %s', (reason) => {
    expect(dataIssues('interaction.ended', { interactionId: 'i', reason })).toEqual([]);
  });

  it('interaction.ended rejects an unknown reason', () => {
    expect(dataIssues('interaction.ended', { interactionId: 'i', reason: 'hung_up' })).toEqual(['reason']);
  });

  it('interaction.disposition requires resolved as a boolean', () => {
    expect(dataIssues('interaction.disposition', { interactionId: 'i', resolved: false })).toEqual([]);
    expect(dataIssues('interaction.disposition', { interactionId: 'i', resolved: 'yes' })).toEqual(['resolved']);
    expect(dataIssues('interaction.disposition', { interactionId: 'i' })).toEqual(['resolved']);
  });
});
