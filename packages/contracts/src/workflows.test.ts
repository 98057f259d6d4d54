import { describe, expect, it } from 'vitest';
import { chain, chord, collectStepRefs, group, parseStepRef, ref, WorkflowSpec } from './workflows.js';

const step = (id: string) => ({ id, type: 'system.noop' });

describe('workflow builders', () => {
  it('chain makes each step depend on the one before it', () => {
    expect(chain(step('a'), step('b'), step('c')).steps.map((s) => [s.id, s.dependsOn])).toEqual([
      ['a', undefined],
      ['b', ['a']],
      ['c', ['b']],
    ]);
  });

  it('a group inside a chain fans out from the step before and into the step after', () => {
    const flow = chain(step('start'), group(step('x'), step('y')), step('end'));
    const deps = Object.fromEntries(flow.steps.map((s) => [s.id, s.dependsOn]));
    expect(deps).toEqual({ start: undefined, x: ['start'], y: ['start'], end: ['x', 'y'] });
  });

  it('a chord runs its callback after every group member', () => {
    const flow = chord(group(step('a'), chain(step('b1'), step('b2'))), step('callback'));
    expect(flow.steps.find((s) => s.id === 'callback')?.dependsOn).toEqual(['a', 'b2']);
    expect(WorkflowSpec.safeParse(flow).success).toBe(true);
  });

  it('builders leave the steps they were given unchanged', () => {
    const b = step('b');
    chain(step('a'), b);
    expect(b).toEqual({ id: 'b', type: 'system.noop' });
  });
});

describe('step refs', () => {
  it('parses a result path and a job id, and refuses anything else', () => {
    expect(parseStepRef('tts.result.audio.id')).toEqual({ stepId: 'tts', path: ['result', 'audio', 'id'] });
    expect(parseStepRef('tts.jobId')).toEqual({ stepId: 'tts', path: ['jobId'] });
    expect(parseStepRef('tts.output.audio')).toBeUndefined();
    expect(parseStepRef('tts.result..id')).toBeUndefined();
  });

  it('finds refs nested in objects and arrays, with where they sit', () => {
    expect(collectStepRefs({ a: [1, ref('x', 'y')], b: { c: ref('z') } })).toEqual([
      { ref: 'x.result.y', at: 'a.1' },
      { ref: 'z.result', at: 'b.c' },
    ]);
  });
});
