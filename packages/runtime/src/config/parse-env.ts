import { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * Parses environment variables with a zod object whose keys are the variable names.
 * Every problem is reported at once, one line per variable, naming the variable — a
 * person fixing a deployment should not have to restart five times to find five typos.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    // An empty variable means "not set": `FOO= node main.js` should take the default.
    input[key] = value === '' ? undefined : value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(config)');
    const shown = name.match(/PASSWORD|SECRET|TOKEN|KEY$/) ? '(hidden)' : JSON.stringify(input[name]);
    return `${name}: ${issue.message}${input[name] === undefined ? ' (not set)' : ` (got ${shown})`}`;
  });
  throw new ConfigError(problems);
}

/** For `main.ts`: parse, or print what is wrong and exit 78 (EX_CONFIG). */
export function parseEnvOrExit<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv, service: string): z.output<S> {
  try {
    return parseEnv(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${service}: cannot start, ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}

/** Integer environment variable with a default. */
export const envInt = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

/** `true/false/1/0/yes/no` → boolean. */
export const envBool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
