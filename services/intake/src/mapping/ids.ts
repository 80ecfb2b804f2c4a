import { z } from 'zod';

// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** A vendor id that becomes part of an event id (the JetStream message id header): no control characters. */
export const vendorIdSchema = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !CONTROL_CHARACTER.test(value), 'Must not contain control characters');
