import { UsageError } from './usage-error.js';

/**
 * Where the CLI finds the gateway and its key: flags first, then REELAY_URL and
 * REELAY_API_KEY. The only place the CLI reads the environment.
 */
export const DEFAULT_URL = 'http://127.0.0.1:8080';

export interface CliConfig {
  url: string;
  apiKey: string | undefined;
}

export function resolveConfig(flags: { url?: string | undefined; apiKey?: string | undefined }, env: NodeJS.ProcessEnv): CliConfig {
  const url = flags.url ?? nonEmpty(env.REELAY_URL) ?? DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`the gateway URL must be http or https: ${url}`);
  return { url, apiKey: flags.apiKey ?? nonEmpty(env.REELAY_API_KEY) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
