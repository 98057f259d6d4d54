import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkLiteralHost, guardedLookup, isForbiddenAddress } from './address-guard.js';

/**
 * Every textual form a job could put in a URL's host. `host` is written as it would
 * appear in the URL (IPv6 in brackets); each row is judged twice — raw, as a caller
 * might pass it, and after WHATWG URL parsing, which is what the handlers pass — and,
 * for address literals, also as a resolved answer (what the lookup hook sees).
 */
const table: Array<{ form: string; host: string; refused: boolean }> = [
  // IPv4, dotted decimal
  { form: 'loopback', host: '127.0.0.1', refused: true },
  { form: 'loopback, rest of 127/8', host: '127.8.9.10', refused: true },
  { form: 'private 10/8', host: '10.1.2.3', refused: true },
  { form: 'private 172.16/12, low end', host: '172.16.0.1', refused: true },
  { form: 'private 172.16/12, high end', host: '172.31.255.255', refused: true },
  { form: 'private 192.168/16', host: '192.168.1.1', refused: true },
  { form: 'link-local, cloud metadata', host: '169.254.169.254', refused: true },
  { form: 'carrier-grade NAT', host: '100.64.0.1', refused: true },
  { form: 'unspecified', host: '0.0.0.0', refused: true },
  { form: '"this network" 0/8', host: '0.1.2.3', refused: true },
  { form: 'multicast', host: '224.0.0.1', refused: true },
  { form: 'multicast, SSDP', host: '239.255.255.250', refused: true },
  { form: 'broadcast', host: '255.255.255.255', refused: true },
  { form: 'reserved 240/4', host: '240.0.0.1', refused: true },
  { form: 'IETF protocol assignments 192.0.0/24', host: '192.0.0.1', refused: true },
  { form: 'benchmarking 198.18/15', host: '198.18.0.1', refused: true },
  { form: 'documentation TEST-NET-1', host: '192.0.2.1', refused: true },
  // IPv4, the other forms inet_aton and WHATWG URL accept
  { form: 'decimal', host: '2130706433', refused: true },
  { form: 'octal', host: '0177.0.0.1', refused: true },
  { form: 'hex, short', host: '0x7f.1', refused: true },
  { form: 'hex, uppercase prefix', host: '0X7F.1', refused: true },
  { form: 'hex, one number', host: '0x7f000001', refused: true },
  { form: 'short, two parts', host: '127.1', refused: true },
  { form: 'short, one zero', host: '0', refused: true },
  { form: 'trailing dot', host: '127.0.0.1.', refused: true },
  { form: 'decimal of a private address', host: '167772161', refused: true },
  // IPv6
  { form: 'IPv6 loopback', host: '[::1]', refused: true },
  { form: 'IPv6 loopback, long form', host: '[0:0:0:0:0:0:0:1]', refused: true },
  { form: 'IPv6 unspecified', host: '[::]', refused: true },
  { form: 'IPv6 link-local', host: '[fe80::1]', refused: true },
  { form: 'IPv6 link-local, uppercase', host: '[FE80::1]', refused: true },
  { form: 'IPv6 link-local with a zone id', host: '[fe80::1%eth0]', refused: true },
  { form: 'IPv6 site-local (deprecated)', host: '[fec0::1]', refused: true },
  { form: 'unique local fc00::/7, fc half', host: '[fc00::1]', refused: true },
  { form: 'unique local fc00::/7, fd half', host: '[fd12:3456::1]', refused: true },
  { form: 'unique local, AWS IPv6 metadata', host: '[fd00:ec2::254]', refused: true },
  { form: 'IPv6 multicast, all nodes', host: '[ff02::1]', refused: true },
  { form: 'IPv6 documentation', host: '[2001:db8::1]', refused: true },
  // IPv6 forms that carry an IPv4 address
  { form: 'IPv4-mapped, dotted', host: '[::ffff:127.0.0.1]', refused: true },
  { form: 'IPv4-mapped, hex', host: '[::ffff:7f00:1]', refused: true },
  { form: 'IPv4-mapped, uppercase', host: '[::FFFF:127.0.0.1]', refused: true },
  { form: 'IPv4-mapped private', host: '[::ffff:10.0.0.1]', refused: true },
  { form: 'IPv4-compatible, dotted', host: '[::127.0.0.1]', refused: true },
  { form: 'IPv4-compatible, hex', host: '[::7f00:1]', refused: true },
  { form: 'IPv4-compatible of a public address (deprecated form)', host: '[::8.8.8.8]', refused: true },
  { form: 'IPv4-translated', host: '[::ffff:0:7f00:1]', refused: true },
  { form: 'NAT64, hex', host: '[64:ff9b::7f00:1]', refused: true },
  { form: 'NAT64, dotted', host: '[64:ff9b::127.0.0.1]', refused: true },
  { form: 'NAT64 of a private address', host: '[64:ff9b::a00:1]', refused: true },
  { form: 'NAT64, local-use prefix', host: '[64:ff9b:1::7f00:1]', refused: true },
  { form: '6to4 of loopback', host: '[2002:7f00:1::]', refused: true },
  { form: '6to4 of a private address', host: '[2002:a00:1::1]', refused: true },
  { form: '6to4 of a public address (relayed, deprecated)', host: '[2002:808:808::1]', refused: true },
  { form: 'Teredo', host: '[2001:0:4136:e378:8000:63bf:3fff:fdd2]', refused: true },
  // names that are loopback by definition (RFC 6761) are refused before any lookup
  { form: 'localhost', host: 'localhost', refused: true },
  { form: 'localhost, trailing dot', host: 'localhost.', refused: true },
  { form: 'localhost, uppercase', host: 'LOCALHOST', refused: true },
  { form: 'a .localhost name', host: 'api.localhost', refused: true },
  { form: 'a .localhost name, trailing dot', host: 'Api.LocalHost.', refused: true },
  // allowed
  { form: 'public IPv4', host: '93.184.216.34', refused: false },
  { form: 'public IPv4, DNS', host: '8.8.8.8', refused: false },
  { form: 'just past 172.16/12', host: '172.32.0.1', refused: false },
  { form: 'public IPv4, decimal', host: '16843009', refused: false },
  { form: 'public IPv6', host: '[2606:4700:4700::1111]', refused: false },
  { form: 'public IPv6, uppercase', host: '[2606:4700::1111]', refused: false },
  { form: 'IPv4-mapped public, dotted', host: '[::ffff:8.8.8.8]', refused: false },
  { form: 'IPv4-mapped public, hex', host: '[::ffff:101:101]', refused: false },
  { form: 'NAT64 of a public address (DNS64 networks)', host: '[64:ff9b::808:808]', refused: false },
  { form: 'a name (judged by the lookup hook)', host: 'example.com', refused: false },
  { form: 'a name, uppercase with trailing dot', host: 'EXAMPLE.COM.', refused: false },
  { form: 'a name that merely contains localhost', host: 'localhost.example.com', refused: false },
];

function refusedAsHost(host: string): boolean {
  try {
    checkLiteralHost(host);
    return false;
  } catch (err) {
    expect(err).toMatchObject({ code: 'FORBIDDEN_ADDRESS', retryable: false });
    return true;
  }
}

describe('address guard', () => {
  it.each(table)('$form ($host) refused: $refused', ({ host, refused }) => {
    expect(refusedAsHost(host), 'raw host').toBe(refused);
    // What the handlers pass: the hostname after URL parsing. A zone id is no valid URL host.
    if (URL.canParse(`http://${host}/`)) expect(refusedAsHost(new URL(`http://${host}/`).hostname), 'URL hostname').toBe(refused);
    const bare = host.replace(/^\[|\]$/g, '');
    if (host.startsWith('[') || /^[\dx.]+$/i.test(bare)) expect(isForbiddenAddress(bare), 'as an address').toBe(refused);
  });

  it('anything that is not an address counts as forbidden when judged as one', () => {
    for (const text of ['', 'example.com', '1.2.3.4.5', '::ffff::1', '08.0.0.1']) expect(isForbiddenAddress(text), text).toBe(true);
  });

  it('the lookup hook refuses a name that resolves to loopback before any connection is made', async () => {
    const connected = await new Promise<Error>((resolve) => {
      const req = http.get('http://localhost:9/', { lookup: guardedLookup });
      req.once('error', resolve);
      req.once('response', () => resolve(new Error('connected')));
    });
    expect(connected).toMatchObject({ code: 'FORBIDDEN_ADDRESS' });
  });
});
