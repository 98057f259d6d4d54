import { describe, expect, it } from 'vitest';
import { BandOrder } from './band-order.js';

describe('band order', () => {
  it('asks the high band first on most takes', () => {
    const order = new BandOrder(4, 10);
    const firsts = Array.from({ length: 100 }, () => order.next()[0]);
    expect(firsts.filter((b) => b === 'high').length).toBe(100 - 10 - 20);
  });
  it('starts one take in ten at the low band so low work is never starved', () => {
    const order = new BandOrder(4, 10);
    const firsts = Array.from({ length: 100 }, () => order.next()[0]);
    expect(firsts.filter((b) => b === 'low').length).toBe(10);
  });
  it('always offers every band in each take', () => {
    const order = new BandOrder();
    for (let i = 0; i < 40; i++) expect([...order.next()].sort()).toEqual(['high', 'low', 'normal']);
  });
});
