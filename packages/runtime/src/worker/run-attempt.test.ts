import { describe, expect, it } from 'vitest';
import { composeLinks } from './run-attempt.js';

type Call = { trail: string[] };
type Link = (call: Call, next: (call: Call) => Promise<string>) => Promise<string>;

const around =
  (name: string): Link =>
  async (call, next) => {
    call.trail.push(`${name}:before`);
    const outcome = await next(call);
    call.trail.push(`${name}:after`);
    return `${name}(${outcome})`;
  };

describe('composeLinks: links around the handler', () => {
  it('runs the first link outermost: before-steps in order, after-steps in reverse, the terminal in the middle', async () => {
    const call: Call = { trail: [] };
    const run = composeLinks<Call, string>([around('a'), around('b'), around('c')], async (c) => {
      c.trail.push('handler');
      return 'done';
    });
    expect(await run(call)).toBe('a(b(c(done)))');
    expect(call.trail).toEqual(['a:before', 'b:before', 'c:before', 'handler', 'c:after', 'b:after', 'a:after']);
  });

  it('a link that answers without calling next ends the attempt: inner links and the handler never run', async () => {
    const call: Call = { trail: [] };
    const refuse: Link = async (c) => {
      c.trail.push('refuse');
      return 'rejected';
    };
    const run = composeLinks<Call, string>([around('a'), refuse, around('c')], async (c) => {
      c.trail.push('handler');
      return 'done';
    });
    expect(await run(call)).toBe('a(rejected)');
    expect(call.trail).toEqual(['a:before', 'refuse', 'a:after']);
  });

  it('what an inner link changes on the call is what outer links see after next', async () => {
    const call: Call = { trail: [] };
    const rebind: Link = (c, next) => {
      c.trail = [...c.trail, 'rebound'];
      return next(c);
    };
    const run = composeLinks<Call, string>([rebind], async () => 'done');
    await run(call);
    expect(call.trail).toEqual(['rebound']);
  });

  it('with no links the terminal runs alone, and a composed chain runs again for each call', async () => {
    const run = composeLinks<Call, string>([around('a')], async (c) => String(c.trail.length));
    expect(await composeLinks<Call, string>([], async () => 'alone')({ trail: [] })).toBe('alone');
    expect(await run({ trail: [] })).toBe('a(1)');
    expect(await run({ trail: [] })).toBe('a(1)');
  });
});
