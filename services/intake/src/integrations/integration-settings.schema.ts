import { z } from 'zod';

export const INTEGRATION_KINDS = ['twilio', 'asterisk', 'freeswitch'] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];
export const integrationKindSchema = z.enum(INTEGRATION_KINDS);

const hostSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9.:_-]+$/, 'Expected a host name or IP address');
/** Sent on a line-based protocol: no line breaks (they would inject commands). */
const credentialSchema = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\r\n\0]*$/, 'Must not contain line breaks');
const queueIdSchema = z.string().min(1).max(128).describe('Queue of the interactions this integration creates when the vendor names none.');

/** `PUT /v1/integrations/twilio`: the account's auth token (signs the status callbacks). */
export const twilioSettingsSchema = z.object({
  authToken: z.string().min(8).max(256),
  defaultQueueId: queueIdSchema.optional(),
});

/** `PUT /v1/integrations/asterisk`: an AMI user with read access to call and agent events. */
export const asteriskSettingsSchema = z.object({
  host: hostSchema,
  port: z.number().int().min(1).max(65535).default(5038),
  username: credentialSchema(128),
  secret: credentialSchema(256),
});

/** `PUT /v1/integrations/freeswitch`: the event socket (mod_event_socket) of a FreeSWITCH server. */
export const freeswitchSettingsSchema = z.object({
  host: hostSchema,
  port: z.number().int().min(1).max(65535).default(8021),
  password: credentialSchema(256),
  defaultQueueId: queueIdSchema.optional(),
});

export const integrationSettingsSchemas = {
  twilio: twilioSettingsSchema,
  asterisk: asteriskSettingsSchema,
  freeswitch: freeswitchSettingsSchema,
} as const;

export type TwilioSettings = z.infer<typeof twilioSettingsSchema>;
export type AsteriskSettings = z.infer<typeof asteriskSettingsSchema>;
export type FreeswitchSettings = z.infer<typeof freeswitchSettingsSchema>;
export interface IntegrationSettingsByKind {
  twilio: TwilioSettings;
  asterisk: AsteriskSettings;
  freeswitch: FreeswitchSettings;
}

/** The field of each kind that is a secret: encrypted at rest, never returned, never logged. */
export const SECRET_FIELD = { twilio: 'authToken', asterisk: 'secret', freeswitch: 'password' } as const satisfies {
  [K in IntegrationKind]: keyof IntegrationSettingsByKind[K];
};
