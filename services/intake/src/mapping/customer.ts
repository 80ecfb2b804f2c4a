import type { Customer } from '@switchboard/contracts';

/**
 * The customer of a call from the vendor's caller number and name. A caller without a usable number gets
 * an id of its own (`unknown-<interaction>`), never one shared with other anonymous callers.
 */
export function customerOf(number: string | undefined, name: string | undefined, interactionId: string): Customer {
  const trimmed = number?.trim() ?? '';
  const known = trimmed !== '' && !/^(anonymous|unknown|restricted|private|<unknown>)$/i.test(trimmed);
  return {
    id: known ? trimmed.slice(0, 128) : `unknown-${interactionId}`.slice(0, 128),
    ...(known && /^\+?[0-9][0-9 ()-]*$/.test(trimmed) ? { phone: trimmed.slice(0, 64) } : {}),
    ...(name && name.trim() !== '' ? { name: name.trim().slice(0, 256) } : {}),
  };
}
