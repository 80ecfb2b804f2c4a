import { z } from 'zod';
import { channelSchema, idSchema, languageTagSchema, tenantIdSchema } from '@switchboard/contracts';
import { PERSONA_IDS } from '../personas/persona';

const skillsSchema = z.record(z.string().min(1).max(64), z.number().int().min(1).max(5));
const range = (min: number, max: number) =>
  z
    .tuple([z.number().min(min).max(max), z.number().min(min).max(max)])
    .refine(([lo, hi]) => lo <= hi, 'the first number must not exceed the second');
const personaIdSchema = z.enum(PERSONA_IDS);

export const agentBehaviourSchema = z.strictObject({
  /** Share of offers the agent lets time out. */
  missRate: z.number().min(0).max(1).default(0.03),
  /** Share of offers the agent rejects. */
  rejectRate: z.number().min(0).max(1).default(0.01),
  /** Scenario seconds between an offer arriving and the agent answering it. */
  answerDelaySeconds: range(0, 600).default([1, 4]),
  /** Mean scenario seconds of work between breaks (exponential); 0 = no breaks. */
  breakEverySeconds: z.number().min(0).default(2700),
  /** Scenario seconds of a break. */
  breakSeconds: range(1, 7200).default([180, 600]),
});
export type AgentBehaviour = z.infer<typeof agentBehaviourSchema>;

export const agentGroupSchema = z.strictObject({
  /** The agent's id; with `count` > 1 the ids are `<id>-001`, `<id>-002`… */
  id: idSchema,
  count: z.number().int().min(1).max(5000).default(1),
  name: z.string().min(1).max(200).optional(),
  skills: skillsSchema.default({}),
  capacity: z.partialRecord(channelSchema, z.number().int().min(0).max(50)).optional(),
  languages: z.array(languageTagSchema).min(1).max(20).default(['en']),
  team: z.string().min(1).max(128).optional(),
  /** Days since the agent started (new hires have little tenure). */
  tenureDays: z.number().int().min(0).max(20_000).default(400),
  /** Whether the agent logs in at the start (`available`) or stays `offline`. */
  startState: z.enum(['available', 'offline']).default('available'),
  /**
   * A person drives this agent from the agent console: the simulator logs it in and starts the conversation once the person
   * accepts an offer there, but never answers its offers, acknowledges its notifications or sends it on a break.
   */
  human: z.boolean().default(false),
  behaviour: agentBehaviourSchema.default(agentBehaviourSchema.parse({})),
});
export type AgentGroup = z.infer<typeof agentGroupSchema>;

export const CONTACT_PATHS = ['events', 'twilio'] as const;
export type ContactPath = (typeof CONTACT_PATHS)[number];

export const queueScenarioSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1).max(256).optional(),
  channel: channelSchema,
  requiredSkills: skillsSchema.default({}),
  priority: z.number().int().min(0).max(10).default(5),
  sla: z.strictObject({ percent: z.number().min(0).max(100), seconds: z.number().int().min(1) }).default({ percent: 80, seconds: 20 }),
  strategy: z.enum(['longest-idle', 'least-occupancy', 'best-skill-match', 'round-robin']).default('longest-idle'),
  offerTimeoutSeconds: z.number().int().min(1).max(600).default(20),
  wrapUpSeconds: z.number().int().min(0).max(3600).default(30),
  overflow: z.array(z.strictObject({ afterSeconds: z.number().int().min(0), minSkillLevel: z.number().int().min(0).max(5) })).max(10).default([]),
  /** Poisson arrival rate of new contacts (per scenario minute); 0 = scripted contacts only. */
  ratePerMinute: z.number().min(0).max(1_000_000).default(0),
  /** Who calls: persona weights (relative). */
  personas: z.partialRecord(personaIdSchema, z.number().min(0)).default({ routine: 1 }),
  /** Share of voice contacts that arrive as signed Twilio status callbacks instead of CloudEvents. */
  twilioShare: z.number().min(0).max(1).default(0),
  /** Send transcripts (utterance events); off for pure routing load. */
  transcripts: z.boolean().default(true),
});
export type QueueScenario = z.infer<typeof queueScenarioSchema>;

export const scriptedContactSchema = z.strictObject({
  /** A name other contacts (and tests) refer to. */
  label: z.string().min(1).max(100).optional(),
  /** Scenario seconds from the start, or after the contact named by `after` has ended. */
  at: z.number().min(0).default(0),
  after: z.string().min(1).max(100).optional(),
  queue: idSchema,
  persona: personaIdSchema,
  /** Which of the persona's conversations (0-based); default: the first. */
  script: z.number().int().min(0).default(0),
  customer: z
    .strictObject({
      id: idSchema,
      name: z.string().min(1).max(200).optional(),
      phone: z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'an E.164 number such as +15550100123').optional(),
      vip: z.boolean().optional(),
    })
    .optional(),
  /** Scenario seconds the customer waits before hanging up (default: drawn from the persona). */
  patienceSeconds: z.number().positive().optional(),
  via: z.enum(CONTACT_PATHS).default('events'),
  /** The disposition: resolved or not (default: drawn from the persona). */
  resolved: z.boolean().optional(),
});
export type ScriptedContact = z.infer<typeof scriptedContactSchema>;

export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1).max(200).default('scenario'),
    description: z.string().max(4000).optional(),
    tenant: tenantIdSchema.default('demo'),
    seed: z.number().int().min(0).max(0xffffffff).default(1),
    /** Scenario seconds per real second. */
    speed: z.number().positive().max(1000).default(1),
    /** Scenario seconds of Poisson traffic; absent = until stopped. */
    durationSeconds: z.number().positive().optional(),
    /** Routing's tenant wellbeing settings to apply (`PUT /v1/settings/wellbeing`), e.g. `{recoveryWrapUpSeconds: 120}`. */
    routingSettings: z.record(z.string(), z.unknown()).optional(),
    /** Twilio auth token the tenant's integration is configured with (needed when any contact goes through Twilio). */
    twilioAuthToken: z.string().min(8).max(256).default('simulator-twilio-auth-token'),
    agents: z.array(agentGroupSchema).min(1).max(1000),
    queues: z.array(queueScenarioSchema).min(1).max(200),
    script: z.array(scriptedContactSchema).max(10_000).default([]),
  })
  .superRefine((scenario, ctx) => {
    const queueIds = new Set<string>();
    scenario.queues.forEach((queue, i) => {
      if (queueIds.has(queue.id)) ctx.addIssue({ code: 'custom', path: ['queues', i, 'id'], message: `duplicate queue id "${queue.id}"` });
      queueIds.add(queue.id);
      if (queue.ratePerMinute > 0 && !Object.values(queue.personas).some((w) => (w ?? 0) > 0)) {
        ctx.addIssue({ code: 'custom', path: ['queues', i, 'personas'], message: 'needs at least one persona with a positive weight' });
      }
      if (queue.twilioShare > 0 && queue.channel !== 'voice') {
        ctx.addIssue({ code: 'custom', path: ['queues', i, 'twilioShare'], message: 'Twilio callbacks carry voice calls only' });
      }
    });
    const agentIds = new Set<string>();
    scenario.agents.forEach((group, i) => {
      for (const id of expandAgentIds(group)) {
        if (agentIds.has(id)) ctx.addIssue({ code: 'custom', path: ['agents', i, 'id'], message: `duplicate agent id "${id}"` });
        agentIds.add(id);
      }
    });
    const labels = new Set<string>();
    scenario.script.forEach((contact, i) => {
      if (!queueIds.has(contact.queue)) ctx.addIssue({ code: 'custom', path: ['script', i, 'queue'], message: `unknown queue "${contact.queue}"` });
      if (contact.label !== undefined) {
        if (labels.has(contact.label)) ctx.addIssue({ code: 'custom', path: ['script', i, 'label'], message: `duplicate label "${contact.label}"` });
        labels.add(contact.label);
      }
    });
    scenario.script.forEach((contact, i) => {
      if (contact.after !== undefined && !labels.has(contact.after)) {
        ctx.addIssue({ code: 'custom', path: ['script', i, 'after'], message: `no contact is labelled "${contact.after}"` });
      }
      if (contact.after !== undefined && contact.after === contact.label) {
        ctx.addIssue({ code: 'custom', path: ['script', i, 'after'], message: 'a contact cannot wait for itself' });
      }
      const queue = scenario.queues.find((q) => q.id === contact.queue);
      if (contact.via === 'twilio' && queue && queue.channel !== 'voice') {
        ctx.addIssue({ code: 'custom', path: ['script', i, 'via'], message: 'Twilio callbacks carry voice calls only' });
      }
    });
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** The agent ids of a group: the id itself, or `<id>-001`… for `count` > 1. */
export function expandAgentIds(group: { id: string; count: number }): string[] {
  if (group.count === 1) return [group.id];
  const width = Math.max(3, String(group.count).length);
  return Array.from({ length: group.count }, (_, i) => `${group.id}-${String(i + 1).padStart(width, '0')}`);
}
