import type { Command } from 'commander';
import { createClient, type ReelayClient } from '../index.js';
import { resolveConfig } from './config.js';
import { Output } from './format/output.js';

/**
 * What every command needs, built from the global options once commander has parsed them:
 * a client for the configured gateway and the output mode.
 */
export interface CliContext {
  client(): ReelayClient;
  out(): Output;
  /** The exit status a command chose (a failed job is not an exception). */
  exitCode: number;
}

export function createCliContext(program: Command, env: NodeJS.ProcessEnv): CliContext {
  let client: ReelayClient | undefined;
  let out: Output | undefined;
  return {
    client() {
      if (!client) {
        const opts = program.opts<{ url?: string; apiKey?: string }>();
        const config = resolveConfig(opts, env);
        client = createClient({ baseUrl: config.url, apiKey: config.apiKey });
      }
      return client;
    },
    out() {
      const { json, quiet } = program.opts<{ json?: boolean; quiet?: boolean }>();
      out ??= new Output(quiet ? 'quiet' : json ? 'json' : 'human');
      return out;
    },
    exitCode: 0,
  };
}
