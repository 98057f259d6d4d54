import { describe, expect, it } from 'vitest';
import { Recycler } from './recycle.js';

describe('Recycler', () => {
  it('after maxJobs taken it allows no more, and asks to exit when the last running one settles', () => {
    const asked: string[] = [];
    const r = new Recycler({ maxJobs: 3 }, (reason) => asked.push(reason));
    expect(r.remaining()).toBe(3);
    r.jobTaken();
    r.jobTaken();
    expect(r.remaining()).toBe(1);
    r.jobTaken();
    expect(r.remaining()).toBe(0);
    r.jobSettled(2);
    r.jobSettled(1);
    expect(asked).toEqual([]);
    r.jobSettled(0);
    expect(asked).toEqual(['max-jobs']);
    r.jobSettled(0);
    expect(asked).toEqual(['max-jobs']);
  });

  it('above the RSS limit it asks to exit at once, whatever is still running', () => {
    let rss = 100;
    const asked: string[] = [];
    const r = new Recycler(
      { maxRssBytes: 150 },
      (reason) => asked.push(reason),
      () => rss,
    );
    r.jobTaken();
    r.jobSettled(3);
    expect(asked).toEqual([]);
    rss = 200;
    r.jobSettled(3);
    expect(asked).toEqual(['max-rss']);
    expect(r.remaining()).toBe(0);
  });

  it('without limits it never asks', () => {
    const r = new Recycler({}, () => {
      throw new Error('asked');
    });
    for (let i = 0; i < 1000; i++) {
      r.jobTaken();
      r.jobSettled(0);
    }
    expect(r.remaining()).toBe(Number.POSITIVE_INFINITY);
  });
});
