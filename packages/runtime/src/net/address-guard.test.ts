import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkLiteralHost, guardedLookup, isForbiddenAddress } from './address-guard.js';

describe('address guard', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '64:ff9b::7f00:1',
  ])('refuses %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });

  it('refuses a literal private host, bracketed IPv6 too, and lets names through to the lookup', () => {
    expect(() => checkLiteralHost('127.0.0.1')).toThrow(/loopback, link-local or private/);
    expect(() => checkLiteralHost('[::1]')).toThrow(/FORBIDDEN|private/);
    expect(() => checkLiteralHost('example.com')).not.toThrow();
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

describe('address guard, as the publisher uses it', () => {
  it('refuses loopback, private, link-local, CGNAT and their IPv6 and mapped forms', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
    ]) {
      expect(isForbiddenAddress(ip), ip).toBe(true);
    }
  });
  it('lets public addresses through', () => {
    for (const ip of ['8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:1.1.1.1']) {
      expect(isForbiddenAddress(ip), ip).toBe(false);
    }
  });
  it('a literal forbidden IP host is refused with FORBIDDEN_ADDRESS before any connection', () => {
    expect(() => checkLiteralHost('[::1]')).toThrow(expect.objectContaining({ code: 'FORBIDDEN_ADDRESS' }));
    expect(() => checkLiteralHost('example.com')).not.toThrow();
  });
});
