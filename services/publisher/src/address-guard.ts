import { type LookupAddress, lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { ErrorCode } from '@reelay/contracts';
import { PermanentError } from '@reelay/runtime';

/**
 * Outgoing requests to hostile URLs (webhooks) must not reach the machine's own network:
 * loopback, private (RFC 1918, ULA), link-local (cloud metadata at 169.254.169.254),
 * CGNAT, unspecified and multicast addresses are refused. The check runs on the address
 * actually connected to (the socket's DNS lookup), so a name that resolves differently on
 * the second ask (DNS rebinding) gains nothing.
 */
const forbidden = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  forbidden.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  forbidden.addSubnet(net, bits, 'ipv6');
}

export class ForbiddenAddressError extends PermanentError {
  constructor(host: string, address: string) {
    super(`refusing to connect to ${host} (${address}): loopback, private and link-local addresses are not allowed`, {
      code: ErrorCode.FORBIDDEN_ADDRESS,
    });
  }
}

export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return forbidden.check(address, 'ipv4');
  if (family === 6) {
    // ::ffff:10.0.0.1 is 10.0.0.1 in disguise.
    const mapped = address.toLowerCase().match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
    if (mapped?.[1]) return forbidden.check(mapped[1], 'ipv4');
    return forbidden.check(address, 'ipv6');
  }
  return true;
}

/** Throws for a literal IP host that is forbidden (the socket skips DNS for those). */
export function assertHostAllowed(hostname: string): void {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isForbiddenAddress(host)) throw new ForbiddenAddressError(hostname, host);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for node:http that resolves, then refuses if any answer is forbidden. */
export function guardedLookup(hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true } as { all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const bad = addresses.find((a) => isForbiddenAddress(a.address));
    if (bad) return callback(new ForbiddenAddressError(hostname, bad.address) as unknown as NodeJS.ErrnoException, []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}
