import type { WorkflowSpec } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { workflowIssues } from './workflow-validation.js';

const known = (type: string) => type.startsWith('system.');
const messages = (spec: WorkflowSpec) => workflowIssues(spec, known).map((i) => i.message);

describe('workflow validation', () => {
  it('a well-formed DAG with refs to upstream steps has no issues', () => {
    const spec: WorkflowSpec = {
      steps: [
        { id: 'a', type: 'system.noop' },
        { id: 'b', type: 'system.noop', dependsOn: ['a'] },
        { id: 'c', type: 'system.noop', dependsOn: ['b'], input: { fromA: { $ref: 'a.result.ok' }, job: { $ref: 'b.jobId' } } },
      ],
    };
    expect(messages(spec)).toEqual([]);
  });

  it('names the cycle', () => {
    const spec: WorkflowSpec = {
      steps: [
        { id: 'a', type: 'system.noop', dependsOn: ['c'] },
        { id: 'b', type: 'system.noop', dependsOn: ['a'] },
        { id: 'c', type: 'system.noop', dependsOn: ['b'] },
      ],
    };
    expect(messages(spec)).toEqual(['dependency cycle: a → c → b → a']);
  });

  it('refuses unknown dependencies, duplicate and reserved ids, and unknown task types', () => {
    const spec: WorkflowSpec = {
      steps: [
        { id: 'a', type: 'system.noop', dependsOn: ['ghost'] },
        { id: 'a', type: 'nope.task' },
        { id: 'onError', type: 'system.noop' },
      ],
    };
    expect(messages(spec)).toEqual([
      'duplicate step id "a"',
      'unknown task type "nope.task"',
      '"onError" is reserved for the error step',
      'step "a" depends on unknown step "ghost"',
    ]);
  });

  it('refuses refs to steps that are not upstream, unknown steps, and malformed refs', () => {
    const spec: WorkflowSpec = {
      steps: [
        { id: 'a', type: 'system.noop' },
        { id: 'b', type: 'system.noop', input: { x: { $ref: 'a.result' }, y: { $ref: 'ghost.result' }, z: { $ref: 'a.output' } } },
      ],
    };
    expect(workflowIssues(spec, known)).toEqual([
      { path: 'steps.1.input.x', message: '$ref "a.result": step "b" does not depend on "a"' },
      { path: 'steps.1.input.y', message: '$ref "ghost.result" names unknown step "ghost"' },
      { path: 'steps.1.input.z', message: '$ref "a.output" must be "<step>.result[.<path>]" or "<step>.jobId"' },
    ]);
  });

  it('refuses refs in the error step, which runs when upstream output may not exist', () => {
    const spec: WorkflowSpec = {
      steps: [{ id: 'a', type: 'system.noop' }],
      onError: { type: 'system.noop', input: { x: { $ref: 'a.result' } } },
    };
    expect(messages(spec)).toEqual(['the error step cannot use $ref: it runs when an upstream step did not succeed']);
  });
});
