import { PERSONAS } from './catalog';
import { PERSONA_IDS, renderScript } from './persona';

describe('personas', () => {
  it('covers the people of the brief, each with conversations the customer takes part in', () => {
    expect(Object.keys(PERSONAS).sort()).toEqual([...PERSONA_IDS].sort());
    for (const persona of Object.values(PERSONAS)) {
      expect(persona.scripts.length).toBeGreaterThan(0);
      for (const script of persona.scripts) {
        expect(script.filter((t) => t.speaker === 'customer').length).toBeGreaterThanOrEqual(1);
        for (const turn of script) expect(turn.text.length).toBeLessThanOrEqual(10_000);
      }
      expect(persona.patienceSeconds[0]).toBeLessThanOrEqual(persona.patienceSeconds[1]);
      expect(persona.resolvedChance).toBeGreaterThanOrEqual(0);
      expect(persona.resolvedChance).toBeLessThanOrEqual(1);
    }
  });

  it('has a repeat caller who comes back and recognises the agent, and a VIP on the cheapest plan', () => {
    expect(PERSONAS.repeat.recontact?.times).toBeGreaterThanOrEqual(1);
    expect(PERSONAS.repeat.scripts[1]?.some((t) => t.speaker === 'customer' && /you again/i.test(t.text))).toBe(true);
    expect(PERSONAS['vip-churner']).toMatchObject({ vip: true, plan: 'basic', resolvedChance: 0 });
  });

  it('gives the harasser and the yeller customer lines that attack the agent, and the chatter only small talk', () => {
    const customerText = (id: keyof typeof PERSONAS) => PERSONAS[id].scripts.flat().filter((t) => t.speaker === 'customer').map((t) => t.text).join(' ');
    expect(customerText('harasser')).toMatch(/wearing/i);
    expect(customerText('yeller')).toMatch(/[A-Z]{4,}/);
    expect(customerText('chatter')).not.toMatch(/refund|invoice|outage/i);
  });

  it('fills in the names of the agent and the customer', () => {
    const [first] = renderScript([{ speaker: 'agent', text: 'Hello {customer}, this is {agent}.' }], { agent: 'Ana', customer: 'Olu' });
    expect(first).toEqual({ speaker: 'agent', text: 'Hello Olu, this is Ana.' });
  });
});
