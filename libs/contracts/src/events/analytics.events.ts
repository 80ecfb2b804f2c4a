import { z } from 'zod';
import {
  agentStateSchema,
  channelSchema,
  codeSchema,
  compoundScoreSchema,
  fractionSchema,
  idSchema,
  nonNegativeIntSchema,
  sentimentSchema,
  speakerSchema,
  timestampSchema,
} from '../primitives';

/**
 * Insights published by the analytics service. Rates and shares are fractions 0..1; the SLA target
 * keeps the queue configuration's `percent` (0..100) so it reads like "80 % in 20 s".
 */

const abuseCategorySchema = z.string().min(1).max(64).describe('E.g. profanity, insult, threat, sexual_harassment.');

export const utteranceScoredDataSchema = z.object({
  interactionId: idSchema,
  utteranceId: idSchema.optional(),
  speaker: speakerSchema,
  sentiment: sentimentSchema,
  abusive: z.object({
    detected: z.boolean(),
    categories: z.array(abuseCategorySchema).max(20),
  }),
  gratitude: z.boolean(),
  smallTalk: z.boolean(),
});

export const interactionSummarizedDataSchema = z.object({
  interactionId: idSchema,
  agentId: idSchema.optional(),
  customerId: idSchema.optional(),
  queueId: idSchema.optional(),
  channel: channelSchema.optional(),
  sentiment: z
    .object({
      start: compoundScoreSchema,
      end: compoundScoreSchema,
      min: compoundScoreSchema,
      mean: compoundScoreSchema,
    })
    .describe("Trajectory of the customer's sentiment (compound scores)."),
  turnedAround: z.boolean().describe('The customer started negative and ended neutral or positive.'),
  abusiveCount: nonNegativeIntSchema,
  gratitude: z.boolean(),
  smallTalkShare: fractionSchema.describe('Share of utterances that were small talk.'),
  utterances: nonNegativeIntSchema.describe('Number of utterances scored.'),
});

export const ABUSE_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type AbuseSeverity = (typeof ABUSE_SEVERITIES)[number];

export const abuseDetectedDataSchema = z.object({
  interactionId: idSchema,
  agentId: idSchema.optional(),
  customerId: idSchema.optional(),
  categories: z.array(abuseCategorySchema).min(1).max(20),
  severity: z.enum(ABUSE_SEVERITIES),
  quote: z.string().max(1000).optional().describe('The offending words, for the supervisor; may be redacted.'),
  utteranceId: idSchema.optional(),
});

export const kudosDataSchema = z.object({
  interactionId: idSchema,
  agentId: idSchema,
  customerId: idSchema.optional(),
  quote: z.string().min(1).max(2000).describe("The customer's words of thanks or praise."),
});

export const KPI_WINDOW_KINDS = ['live', 'day'] as const;
export type KpiWindowKind = (typeof KPI_WINDOW_KINDS)[number];

export const kpiWindowSchema = z.object({
  from: timestampSchema,
  to: timestampSchema,
  kind: z.enum(KPI_WINDOW_KINDS).describe('live: sliding window ending now; day: a calendar day.'),
});
export type KpiWindow = z.infer<typeof kpiWindowSchema>;

export const serviceLevelSchema = fractionSchema.describe(
  'Answered within the threshold / (answered + abandoned), as a fraction.',
);

export const slaTargetSchema = z.object({
  percent: z.number().min(0).max(100),
  seconds: z.number().int().min(1),
});

export const slaBreachedDataSchema = z.object({
  queueId: idSchema,
  serviceLevel: serviceLevelSchema,
  target: slaTargetSchema,
  window: kpiWindowSchema,
  offered: nonNegativeIntSchema.optional(),
  answered: nonNegativeIntSchema.optional(),
  abandoned: nonNegativeIntSchema.optional(),
});

export const CHURN_RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type ChurnRiskLevel = (typeof CHURN_RISK_LEVELS)[number];
export const churnRiskLevelSchema = z.enum(CHURN_RISK_LEVELS);

export const churnRiskChangedDataSchema = z.object({
  customerId: idSchema,
  score: fractionSchema,
  level: churnRiskLevelSchema,
  previousLevel: churnRiskLevelSchema.optional(),
  interactionId: idSchema.optional().describe('Interaction that triggered the re-assessment.'),
  reasons: z
    .array(
      z.object({
        code: codeSchema.describe('E.g. repeat_contacts_7d, unresolved_disposition, negative_trend, abandoned.'),
        detail: z.string().max(1000),
        weight: z.number().describe('Contribution of this reason to the score.'),
      }),
    )
    .max(50),
});

export const WELLBEING_LEVELS = ['ok', 'elevated', 'high', 'critical'] as const;
export type WellbeingLevel = (typeof WELLBEING_LEVELS)[number];
export const wellbeingLevelSchema = z.enum(WELLBEING_LEVELS);

/** Strain is computed from operational facts and the customer's side only, never the agent's own words or voice. */
export const wellbeingChangedDataSchema = z.object({
  agentId: idSchema,
  score: z.number().min(0).max(100).describe('Strain score: 0 none, 100 maximal.'),
  level: wellbeingLevelSchema,
  previousLevel: wellbeingLevelSchema.optional(),
  factors: z
    .array(
      z.object({
        factor: codeSchema.describe('E.g. occupancy, abusive_contacts, abusive_streak, time_since_break, off_shift.'),
        contribution: z.number().describe('Points this factor adds to the score.'),
        detail: z.string().max(1000),
      }),
    )
    .max(50),
});

export const KPI_SCOPES = ['tenant', 'queue'] as const;
export type KpiScope = (typeof KPI_SCOPES)[number];

const secondsSchema = z.number().min(0);

export const kpisSchema = z.object({
  offered: nonNegativeIntSchema,
  answered: nonNegativeIntSchema,
  abandoned: nonNegativeIntSchema,
  serviceLevel: serviceLevelSchema.optional(),
  asaSeconds: secondsSchema.optional().describe('Average speed of answer.'),
  ahtSeconds: secondsSchema.optional().describe('Average handle time: talk + hold + wrap-up.'),
  abandonmentRate: fractionSchema.optional(),
  occupancy: fractionSchema.optional(),
  longestWaitSeconds: secondsSchema,
  queueDepth: nonNegativeIntSchema,
  agentsByState: z.partialRecord(agentStateSchema, nonNegativeIntSchema),
  fcr: fractionSchema.optional().describe('First-contact resolution: no repeat contact by the same customer within 72 h.'),
});
export type Kpis = z.infer<typeof kpisSchema>;

export const staffingSchema = z.object({
  recommendedAgents: nonNegativeIntSchema.describe("Erlang C agents needed to meet the queue's SLA target."),
  expectedServiceLevel: fractionSchema,
});

export const kpiSnapshotDataSchema = z
  .object({
    scope: z.enum(KPI_SCOPES),
    queueId: idSchema.optional().describe('Required when scope is "queue".'),
    window: kpiWindowSchema,
    kpis: kpisSchema,
    staffing: staffingSchema.optional(),
  })
  .refine((value) => value.scope !== 'queue' || value.queueId !== undefined, {
    message: 'queueId is required when scope is "queue"',
    path: ['queueId'],
  });

export const analyticsEventSchemas = {
  'analytics.utterance_scored': utteranceScoredDataSchema,
  'analytics.interaction_summarized': interactionSummarizedDataSchema,
  'analytics.abuse_detected': abuseDetectedDataSchema,
  'analytics.kudos': kudosDataSchema,
  'analytics.sla_breached': slaBreachedDataSchema,
  'analytics.churn_risk_changed': churnRiskChangedDataSchema,
  'analytics.wellbeing_changed': wellbeingChangedDataSchema,
  'analytics.kpi_snapshot': kpiSnapshotDataSchema,
} as const;

export type UtteranceScoredData = z.infer<typeof utteranceScoredDataSchema>;
export type InteractionSummarizedData = z.infer<typeof interactionSummarizedDataSchema>;
export type AbuseDetectedData = z.infer<typeof abuseDetectedDataSchema>;
export type KudosData = z.infer<typeof kudosDataSchema>;
export type SlaBreachedData = z.infer<typeof slaBreachedDataSchema>;
export type ChurnRiskChangedData = z.infer<typeof churnRiskChangedDataSchema>;
export type WellbeingChangedData = z.infer<typeof wellbeingChangedDataSchema>;
export type KpiSnapshotData = z.infer<typeof kpiSnapshotDataSchema>;
