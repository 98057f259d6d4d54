import { ref, WorkflowSpec } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { createClient } from './reelay-client.js';
import { workflow } from './workflow-builder.js';

describe('the typed workflow builder', () => {
  it('builds the same plain spec the gateway takes, each ref read added to dependsOn', () => {
    const spec = workflow({ name: 'narrate', project: 'demo' })
      .step('script', 'ai.script', { topic: 'octopus hearts' })
      .step('tts', 'ai.tts', { script: ref('script') }, { priority: 8 })
      .step('captions', 'ai.captions', { sentences: ref('tts', 'sentences') }, { dependsOn: ['script'] })
      .step('done', 'system.noop')
      .onError('system.noop', {})
      .build();
    expect(spec).toEqual({
      name: 'narrate',
      project: 'demo',
      steps: [
        { id: 'script', type: 'ai.script', input: { topic: 'octopus hearts' } },
        { id: 'tts', type: 'ai.tts', input: { script: { $ref: 'script.result' } }, priority: 8, dependsOn: ['script'] },
        { id: 'captions', type: 'ai.captions', input: { sentences: { $ref: 'tts.result.sentences' } }, dependsOn: ['script', 'tts'] },
        { id: 'done', type: 'system.noop' },
      ],
      onError: { type: 'system.noop', input: {} },
    });
    expect(WorkflowSpec.safeParse(spec).success).toBe(true);
  });

  it('leaves a builder unchanged when a step is added to it, and a built spec unchanged by later steps', () => {
    const base = workflow().step('a', 'system.noop');
    const built = base.build();
    base.step('b', 'system.noop', {}, { dependsOn: ['a'] });
    expect(base.build()).toEqual({ steps: [{ id: 'a', type: 'system.noop' }] });
    expect(built).toEqual({ steps: [{ id: 'a', type: 'system.noop' }] });
  });

  it('throws on a step id declared twice (the compiler refuses it too)', () => {
    const one = workflow().step('a', 'system.noop');
    // @ts-expect-error — `a` is declared already
    expect(() => one.step('a', 'system.noop')).toThrow(/step "a" is already declared/);
  });

  it('is what client.workflow() returns, with the client untouched by it', () => {
    const client = createClient({ baseUrl: 'http://127.0.0.1:1' });
    expect(client.workflow({ name: 'x' }).step('a', 'system.sleep', { ms: 1 }).build()).toEqual({
      name: 'x',
      steps: [{ id: 'a', type: 'system.sleep', input: { ms: 1 } }],
    });
  });
});
