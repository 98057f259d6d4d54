import { describe, expect, it } from 'vitest';
import { auditFilterSubject, auditOutcome, auditProjectToken, auditSubject } from './audit.js';
import { workerControlSubject } from './worker-control.js';

describe('audit subjects', () => {
  it('any project name becomes one safe subject token, distinct per name', () => {
    const names = ['alpha', 'a.b', 'a b', '>', '*', 'ünïcode', 'a_b', 'a-b'];
    const tokens = names.map(auditProjectToken);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(new Set(tokens).size).toBe(names.length);
    expect(auditProjectToken(undefined)).toBe('_');
  });

  it('a filter by project and action matches exactly that subject', () => {
    expect(auditSubject('alpha', 'job.submit')).toBe(`audit.${auditProjectToken('alpha')}.job.submit`);
    expect(auditFilterSubject('alpha', 'job.submit')).toBe(auditSubject('alpha', 'job.submit'));
    expect(auditFilterSubject(undefined, undefined)).toBe('audit.*.*.*');
  });

  it('statuses map to outcomes', () => {
    expect([200, 202, 204, 401, 403, 404, 409, 500, 503].map(auditOutcome)).toEqual([
      'ok',
      'ok',
      'ok',
      'denied',
      'denied',
      'rejected',
      'rejected',
      'failed',
      'failed',
    ]);
  });
});

describe('worker control subject', () => {
  it('a worker id with dots (a host name) stays one subject token', () => {
    expect(workerControlSubject('ai-host.example.com-12-ab3f')).toBe('worker-control.ai-host_example_com-12-ab3f');
    expect(workerControlSubject('x>*')).toBe('worker-control.x__');
  });
});
