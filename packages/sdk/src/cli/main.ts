#!/usr/bin/env node
/**
 * `reelay` — the command line for Reelay, built on @reelay/sdk. This file only runs the
 * command tree and turns its outcome into an exit status (see exit-codes.ts, docs/cli.md).
 */
import { CommanderError } from 'commander';
import { ReelayError } from '../index.js';
import { exitCodeFor } from './exit-codes.js';
import { buildProgram } from './program.js';

const { program, ctx } = buildProgram(process.env);
try {
  await program.parseAsync(process.argv);
  process.exitCode = ctx.exitCode;
} catch (err) {
  // Commander already printed its own usage errors (and help/version output).
  if (!(err instanceof CommanderError)) console.error(`reelay: ${describe(err)}`);
  process.exitCode = exitCodeFor(err);
}

function describe(err: unknown): string {
  if (err instanceof ReelayError) {
    const status = 'status' in err ? ` (${String(err.status)})` : '';
    return `${err.code}${status}: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}
