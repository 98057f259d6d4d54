import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './program.js';

/** docs/cli.md lists every command: a command added without its row fails here. */
const doc = readFileSync(new URL('../../../../docs/cli.md', import.meta.url), 'utf8');

function leaves(command: Command, prefix: string[] = []): string[] {
  return command.commands.flatMap((c) => (c.commands.length > 0 ? leaves(c, [...prefix, c.name()]) : [[...prefix, c.name()].join(' ')]));
}

describe('the reelay command tree', () => {
  const { program } = buildProgram({});

  it.each(leaves(program))('docs/cli.md has a row for `%s`', (path) => {
    expect(doc).toContain(`\`${path}`);
  });

  it('documents every global option', () => {
    for (const option of program.options) expect(doc).toContain(`\`${option.long}`);
  });
});
