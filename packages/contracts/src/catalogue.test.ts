import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTask, taskMap } from './catalogue.js';

const task = (type: string) => defineTask({ type, description: '', queue: 'acme', input: z.object({}), output: z.object({}) });

describe('taskMap', () => {
  it('keys each definition by its type', () => {
    const resize = task('acme.resize');
    const quote = task('acme.quote');
    expect(taskMap(resize, quote)).toEqual({ 'acme.resize': resize, 'acme.quote': quote });
  });

  it('refuses two definitions of one type', () => {
    expect(() => taskMap(task('acme.resize'), task('acme.resize'))).toThrow(/"acme.resize" is defined twice/);
  });
});
