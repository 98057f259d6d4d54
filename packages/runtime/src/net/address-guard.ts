import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ErrorCode } from '@reelay/contracts';
import { PermanentError } from '../errors.js';

/**
 * SSRF guard for every request to a URL a job was given (media.download, webhooks):
 * loopback, private, link-local (cloud metadata), CGNAT, unspecified and multicast
 * addresses are refused. The check runs on the addresses the connection will
 * actually use: a `lookup` hook given to the HTTP client resolves the name, refuses if
 * any answer is forbidden, and hands the vetted answers to the socket — so a DNS name
 * that flips to 127.0.0.1 between a check and the connect (rebinding) gains nothing.
 * IP literals never reach a lookup hook, so they are checked before the request.
 */

const forbidden = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  forbidden.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64 (embeds an IPv4 address)
] as const) {
  forbidden.addSubnet(net, prefix, 'ipv6');
}

export class ForbiddenAddressError extends PermanentError {
  constructor(host: string, address: string) {
    super(`refusing to fetch from ${host}: it resolves to ${address}, a loopback, link-local or private address`, {
      code: ErrorCode.FORBIDDEN_ADDRESS,
    });
  }
}

export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return forbidden.check(address, 'ipv4');
  if (family !== 6) return true;
  // ::ffff:a.b.c.d is an IPv4 address in IPv6 clothing: judge the IPv4 one.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return forbidden.check(mapped[1], 'ipv4');
  return forbidden.check(address, 'ipv6');
}

/** Throws for a forbidden IP literal host (brackets stripped); names pass to the lookup hook. */
export function checkLiteralHost(hostname: string): void {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isForbiddenAddress(host)) throw new ForbiddenAddressError(hostname, host);
}

/** A `lookup` for http(s).request that refuses forbidden answers. */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const bad = addresses.find((a) => isForbiddenAddress(a.address));
    if (bad) return callback(new ForbiddenAddressError(hostname, bad.address), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
    callback(null, first.address, first.family);
  });
};
