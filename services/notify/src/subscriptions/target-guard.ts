import { lookup as lookupCallback, type LookupAddress, type LookupOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError } from '@switchboard/platform';

/** Ranges a webhook may not reach unless explicitly allowed: loopback, private, link-local, CGNAT, unspecified. */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return true;
}

/**
 * Refuses a target URL whose host resolves to any private address. Checked when a subscription is
 * saved and again before every delivery, so a DNS answer that changes later cannot point a webhook inside.
 */
export async function assertPublicTarget(target: string, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  const host = new URL(target).hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch (error) {
      throw new AppError(`The target host ${host} cannot be resolved.`, {
        code: 'NOTIFY.TARGET_UNRESOLVABLE',
        status: 422,
        retryable: true,
        fields: [{ field: 'target', message: error instanceof Error ? error.message : 'cannot be resolved' }],
      });
    }
  }
  const bad = addresses.filter(isPrivateAddress);
  if (bad.length > 0 || addresses.length === 0) {
    throw new AppError(`The target ${host} resolves to a private or loopback address (${bad.join(', ')}).`, {
      code: 'NOTIFY.TARGET_PRIVATE',
      status: 422,
      retryable: false,
      fields: [{ field: 'target', message: 'resolves to a private, loopback or link-local address' }],
    });
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for outgoing connections that refuses private addresses: the check applies to the very
 * addresses the socket connects to, so a DNS answer that changes after the subscription was saved
 * (DNS rebinding) cannot point a delivery inside. Literal IP hosts skip `lookup`: see {@link isPrivateLiteral}.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookupCallback(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const bad = addresses.filter((a) => isPrivateAddress(a.address));
    if (bad.length > 0 || addresses.length === 0) {
      const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves to a private or loopback address (${bad.map((a) => a.address).join(', ')})`);
      refused.code = 'NOTIFY.TARGET_PRIVATE';
      return callback(refused, []);
    }
    if (options.all) return callback(null, addresses);
    const [first] = addresses;
    return callback(null, first?.address ?? '', first?.family);
  });
}

/** True when the URL's host is an IP literal in a refused range (connections to literals do not go through `lookup`). */
export function isPrivateLiteral(target: string): boolean {
  const host = new URL(target).hostname.replace(/^\[|\]$/g, '');
  return isIP(host) !== 0 && isPrivateAddress(host);
}
