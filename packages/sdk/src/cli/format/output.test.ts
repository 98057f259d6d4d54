import { afterEach, describe, expect, it, vi } from 'vitest';
import { Output } from './output.js';

afterEach(() => vi.restoreAllMocks());

function capture(run: (out: Output) => void, mode: 'human' | 'json' | 'quiet'): { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => stdout.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => stderr.push(line));
  run(new Output(mode));
  return { stdout, stderr };
}

const job = { id: 'j-1', status: 'queued' };
const print = (out: Output) => {
  out.note('submitted, waiting…');
  out.event({ id: 'j-1', status: 'running' }, () => 'j-1  running');
  out.result(
    job,
    () => 'submitted j-1',
    () => ['j-1'],
  );
};

describe('Output', () => {
  it('-q prints only the ids of a result, one per line, and silences notes and stream events', () => {
    expect(capture(print, 'quiet')).toEqual({ stdout: ['j-1'], stderr: [] });
    const many = capture(
      (out) =>
        out.result(
          { items: [] },
          () => 'table',
          () => ['a', 'b'],
        ),
      'quiet',
    );
    expect(many.stdout).toEqual(['a\nb']);
    expect(capture((out) => out.result({ purged: 3 }, () => 'purged 3'), 'quiet').stdout).toEqual([]);
  });

  it('--json prints events as compact lines and the result as one document; notes stay on stderr', () => {
    expect(capture(print, 'json')).toEqual({
      stdout: ['{"id":"j-1","status":"running"}', JSON.stringify(job, null, 2)],
      stderr: ['submitted, waiting…'],
    });
  });

  it('human output prints the text renderings', () => {
    expect(capture(print, 'human')).toEqual({ stdout: ['j-1  running', 'submitted j-1'], stderr: ['submitted, waiting…'] });
  });
});
