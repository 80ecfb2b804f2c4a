import { z } from 'zod';

/** Tenant ids: lower-case letters, digits and dashes, starting with a letter or digit, at most 40 characters. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

export const tenantIdSchema = z
  .string()
  .regex(TENANT_ID_PATTERN, 'Tenant ids are 1-40 characters of a-z, 0-9 and "-", starting with a letter or digit')
  .describe('Tenant id; also the second token of every NATS subject.');

export function isTenantId(value: string): boolean {
  return TENANT_ID_PATTERN.test(value);
}
