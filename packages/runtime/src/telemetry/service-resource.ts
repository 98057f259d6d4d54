import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The version of the package whose entry point this process runs: the nearest
 * package.json above `process.argv[1]` (services/ai/dist/main.js → services/ai, and
 * /app/dist/main.js → /app in an image made by `pnpm deploy`). `unknown` when there is
 * none (a REPL, a bundled script).
 */
export function entryPackageVersion(entry: string | undefined = process.argv[1]): string {
  if (!entry) return 'unknown';
  for (let dir = path.dirname(path.resolve(entry)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
        return typeof version === 'string' ? version : 'unknown';
      } catch {
        return 'unknown';
      }
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

/**
 * `service.instance.id`: a random UUID per process, as the OpenTelemetry resource
 * conventions recommend — unique across replicas and restarts (PID 1 in every container
 * and a reused pod name would not be).
 */
export const processInstanceId: string = randomUUID();
