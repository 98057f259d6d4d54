import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

/**
 * The client must load in a browser: fetch and web streams only. Node-only work (reading
 * files by path) belongs in src/cli. This guards against a stray `node:` import.
 */
describe('src/client', () => {
  it('imports nothing from node: and nothing from the CLI', async () => {
    const dir = new URL('./', import.meta.url);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(f));
    expect(files.length).toBeGreaterThan(5);
    const offenders: string[] = [];
    for (const file of files) {
      const text = await readFile(new URL(file, dir), 'utf8');
      for (const m of text.matchAll(/from\s+'([^']+)'/g)) {
        const spec = m[1]!;
        const builtins = ['fs', 'path', 'os', 'stream', 'http', 'https', 'crypto', 'buffer', 'child_process', 'url'];
        if (spec.startsWith('node:') || builtins.includes(spec) || spec.includes('/cli/')) offenders.push(`${file}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
