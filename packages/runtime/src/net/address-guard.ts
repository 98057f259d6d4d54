import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ErrorCode } from '@reelay/contracts';
import ipaddr from 'ipaddr.js';
import { PermanentError } from '../errors.js';

/**
 * SSRF guard for every request to a URL a job was given (media.download, webhooks). The
 * check runs on the addresses the connection will actually use: a `lookup` hook given to
 * the HTTP client resolves the name, refuses if any answer is forbidden, and hands the
 * vetted answers to the socket — so a DNS name that flips to 127.0.0.1 between a check
 * and the connect (rebinding) gains nothing. IP literals never reach a lookup hook, so
 * they are checked before the request, and so are `localhost` names.
 *
 * It is an allow list, not a block list: an address passes only if ipaddr.js files it
 * under ordinary `unicast` (every special-purpose range — loopback, private, link-local
 * and cloud metadata, CGNAT, unspecified, multicast, broadcast, reserved, documentation,
 * benchmarking — is refused) and, for IPv6, only inside 2000::/3, the one block IANA
 * hands out as global unicast. That closes the IPv4-compatible form (`::127.0.0.1`,
 * which ipaddr.js calls unicast) and whatever range is named next. Parsing is left to
 * ipaddr.js, which reads IPv4 the way inet_aton does (`0x7f.1`, `0177.0.0.1`,
 * `2130706433`, `127.1`) and IPv6 with zone ids; nothing here splits an address by hand.
 */

/** The one block of IPv6 that is global unicast today (IANA). */
const globalUnicast = ipaddr.parseCIDR('2000::/3');
/** RFC 6052 well-known NAT64 prefix: the last 32 bits are the IPv4 host actually reached. */
const nat64 = ipaddr.parseCIDR('64:ff9b::/96');
/**
 * IPv4-compatible ::/96, checked with Node's parser (inet_pton, what the socket will
 * use): ipaddr.js reads the deprecated `::a.b.c.d` as if it were the mapped
 * `::ffff:a.b.c.d`, which would let `[::8.8.8.8]` pass written one way and not the other.
 */
const ipv4Compatible = new BlockList();
ipv4Compatible.addSubnet('::', 96, 'ipv6');

export class ForbiddenAddressError extends PermanentError {
  constructor(host: string, address: string) {
    super(`refusing to fetch from ${host}: it resolves to ${address}, a loopback, link-local or private address`, {
      code: ErrorCode.FORBIDDEN_ADDRESS,
    });
  }
}

function forbiddenIp(ip: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (ip.kind() === 'ipv4') return ip.range() !== 'unicast';
  const v6 = ip as ipaddr.IPv6;
  // An IPv4 address in IPv6 clothing: a dual-stack socket's ::ffff:a.b.c.d, or DNS64's
  // 64:ff9b::a.b.c.d. Judge the IPv4 host the packets go to. Other embeddings (6to4,
  // Teredo, IPv4-translated, local-use NAT64) reach their host through a relay we do not
  // control and are deprecated or site-specific: refused whole.
  if (v6.isIPv4MappedAddress()) return forbiddenIp(v6.toIPv4Address());
  if (v6.match(nat64)) return forbiddenIp(ipaddr.fromByteArray(v6.toByteArray().slice(12)));
  return v6.range() !== 'unicast' || !v6.match(globalUnicast);
}

/** Any textual form of an address; text that is not an address counts as forbidden. */
export function isForbiddenAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  if (isIP(address) === 6 && ipv4Compatible.check(address, 'ipv6')) return true;
  return forbiddenIp(ipaddr.parse(address));
}

/** `localhost` and `*.localhost` are loopback by definition (RFC 6761), whatever DNS says. */
function isLocalhostName(name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  return n === 'localhost' || n.endsWith('.localhost');
}

/**
 * Throws for a forbidden IP literal host (brackets and one trailing dot stripped) or a
 * `localhost` name; other names pass to the lookup hook.
 */
export function checkLiteralHost(hostname: string): void {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (ipaddr.isValid(host)) {
    if (isForbiddenAddress(host)) throw new ForbiddenAddressError(hostname, host);
  } else if (isLocalhostName(host)) {
    throw new ForbiddenAddressError(hostname, 'loopback');
  }
}

/** A `lookup` for http(s).request that refuses forbidden answers. */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  if (isLocalhostName(hostname)) return callback(new ForbiddenAddressError(hostname, 'loopback'), '', 0);
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
