import { describe, expect, it } from 'vitest';
import { assertHostAllowed, isForbiddenAddress } from './address-guard.js';

describe('address guard', () => {
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
    expect(() => assertHostAllowed('[::1]')).toThrow(expect.objectContaining({ code: 'FORBIDDEN_ADDRESS' }));
    expect(() => assertHostAllowed('example.com')).not.toThrow();
  });
});
