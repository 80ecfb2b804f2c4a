import type { Channel } from '@switchboard/contracts';
import type { Capacity } from './engine.types';

export const DEFAULT_CAPACITY: Record<Channel, number> = { voice: 1, chat: 3, email: 5, video: 1 };

const CHANNELS: readonly Channel[] = ['voice', 'video', 'chat', 'email'];
const EXCLUSIVE: readonly Channel[] = ['voice', 'video'];

/**
 * Whether an agent with this capacity and load can take one more interaction of `channel` (allocation-free twin of
 * {@link capacityVerdict}, for the decision's hot loop).
 */
export function hasCapacity(capacity: Capacity, load: Capacity, channel: Channel): boolean {
  const limit = capacity[channel] ?? 0;
  if (limit <= 0 || (load[channel] ?? 0) >= limit) return false;
  const exclusive = channel === 'voice' || channel === 'video';
  for (const c of CHANNELS) {
    if (c === channel) continue;
    const n = load[c] ?? 0;
    if (n > 0 && (exclusive || c === 'voice' || c === 'video')) return false;
  }
  return true;
}

/**
 * Why an agent with this capacity and load cannot take one more interaction of `channel` (undefined when it can).
 * Capacity is per channel; a live call (voice/video) is exclusive: it neither starts while other work is
 * open nor lets other work start while it lasts.
 */
export function capacityVerdict(capacity: Capacity, load: Capacity, channel: Channel): string | undefined {
  const limit = capacity[channel] ?? 0;
  if (limit <= 0) return `no ${channel} capacity`;
  const used = load[channel] ?? 0;
  if (used >= limit) return `${channel} capacity full (${used}/${limit})`;
  const totalOther = Object.entries(load).reduce((sum, [c, n]) => (c === channel ? sum : sum + (n ?? 0)), 0);
  if (EXCLUSIVE.includes(channel) && totalOther > 0) return `busy on other channels (${totalOther} open)`;
  const liveCall = EXCLUSIVE.find((c) => c !== channel && (load[c] ?? 0) > 0);
  if (liveCall) return `on a ${liveCall} interaction`;
  return undefined;
}
