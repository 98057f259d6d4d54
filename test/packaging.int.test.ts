/**
 * The published packages, as a stranger gets them: `pnpm pack` @reelay/contracts,
 * @reelay/runtime and @reelay/sdk into tarballs, install those with npm into a fresh
 * project outside the workspace, typecheck and build a custom worker and a typed client
 * there with tsc, and run them against real processes (nats-server, the gateway). Nothing
 * of the workspace is reachable from that project but the tarballs: npm fetches zod,
 * nats.js and the rest from the registry (cached after the first run).
 *
 * It checks what the packages promise rather than how they are built: the packed
 * manifests (no `workspace:` ranges, exports with types, only dist and README), one zod,
 * the SDK's front door free of the CLI's dependencies, types that resolve for a consumer.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = ['contracts', 'runtime', 'sdk'] as const;
const KEY = 'packaging-key-0123456789abcdef';

// The root package depends on no workspace package: load the fixtures as the SDK's tests do.
const fromSdk = createRequire(join(root, 'packages/sdk/package.json'));
const testing = (await import(pathToFileURL(fromSdk.resolve('@reelay/runtime/testing')).href)) as typeof import('@reelay/runtime/testing');
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');

interface PackedManifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  engines?: { node?: string };
  files?: string[];
  bin?: Record<string, string>;
  exports: Record<string, { types: string; default: string }>;
  dependencies?: Record<string, string>;
}

interface Packed {
  tarball: string;
  manifest: PackedManifest;
  raw: string;
  entries: string[];
}

/** The consumer project: its own package.json, tsconfig, a task module, a worker and a client. */
const consumer = {
  'package.json': JSON.stringify({ name: 'reelay-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2),
  // What a strict Node project would use; skipLibCheck off, so the packages' .d.ts are checked too.
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      target: 'ES2023',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      skipLibCheck: false,
      types: ['node'],
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src'],
  }),
  'src/tasks.ts': `import { defineTask, taskMap } from '@reelay/contracts';
import { z } from 'zod';

export const wordCount = defineTask({
  type: 'consumer.word-count',
  description: 'Counts the words of a text.',
  queue: 'consumer',
  input: z.object({ text: z.string(), minLength: z.number().int().min(1).default(1) }),
  output: z.object({ words: z.number().int(), longest: z.string() }),
  retry: { maxAttempts: 2 },
});

export const consumerTasks = taskMap(wordCount);
`,
  'src/worker.ts': `import { implementTask, PermanentError, runWorker } from '@reelay/runtime';
import { wordCount } from './tasks.js';

const countWords = implementTask(wordCount, async ({ text, minLength }, ctx) => {
  const words = text.split(/\\s+/).filter((w) => w.length >= minLength);
  if (words.length === 0) throw new PermanentError('no words');
  ctx.progress(100, 'counted');
  return { words: words.length, longest: words.reduce((a, b) => (b.length > a.length ? b : a)) };
});

const { runtime } = await runWorker({ service: 'consumer-worker', concurrency: 2, tasks: [countWords] });
runtime.logger.info('consumer-worker ready');
`,
  'src/submit.ts': `import { createClient } from '@reelay/sdk';
import { consumerTasks } from './tasks.js';

const client = createClient({ baseUrl: process.env.REELAY_URL ?? '', apiKey: process.env.REELAY_API_KEY, tasks: consumerTasks });
const job = await client.submit('consumer.word-count', { text: 'the quick brown fox jumps', minLength: 4 });
const result: { words: number; longest: string } = await job.result({ timeoutMs: 30_000 });
if (process.argv.includes('--never')) {
  // Compile-time checks only: the client is typed from the consumer's own definitions.
  // @ts-expect-error a field the task's input does not have
  await client.submit('consumer.word-count', { txt: 'x' });
  // @ts-expect-error a type nobody defined
  await client.submit('consumer.nothing', {});
}
process.stdout.write(JSON.stringify({ id: job.id, queue: job.queue, result }) + '\\n');
`,
};

describe('the published packages, installed with npm outside the workspace', () => {
  let dir: string;
  const packed = new Map<(typeof PACKAGES)[number], Packed>();
  const project = () => join(dir, 'consumer');

  beforeAll(async () => {
    dir = await mkdtemp(join(os.tmpdir(), 'reelay-packaging-'));
    const tarballs = join(dir, 'tarballs');
    for (const name of PACKAGES) {
      const cwd = join(root, 'packages', name);
      if (!existsSync(join(cwd, 'dist/index.js'))) throw new Error(`packages/${name} is not built: run pnpm build first`);
      await run('pnpm', ['pack', '--pack-destination', tarballs], { cwd });
      const tarball = join(tarballs, `reelay-${name}-${JSON.parse(await readFile(join(cwd, 'package.json'), 'utf8')).version}.tgz`);
      const raw = (await run('tar', ['-xzOf', tarball, 'package/package.json'])).stdout;
      const entries = (await run('tar', ['-tzf', tarball], { maxBuffer: 16 * 1024 * 1024 })).stdout.split('\n').filter(Boolean);
      packed.set(name, { tarball, manifest: JSON.parse(raw) as PackedManifest, raw, entries });
    }
    await mkdir(join(project(), 'src'), { recursive: true });
    for (const [file, text] of Object.entries(consumer)) await writeFile(join(project(), file), text);
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        ...PACKAGES.map((name) => packed.get(name)!.tarball),
        'zod@^4',
        '@types/node@^20',
      ],
      { cwd: project(), timeout: 100_000, maxBuffer: 16 * 1024 * 1024 },
    );
  }, 150_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('each packed manifest is publishable: not private, versioned, licensed, no workspace: ranges, workspace deps at their versions', () => {
    const versions = new Map(PACKAGES.map((name) => [`@reelay/${name}`, packed.get(name)!.manifest.version]));
    for (const name of PACKAGES) {
      const { manifest, raw } = packed.get(name)!;
      expect(manifest.name).toBe(`@reelay/${name}`);
      expect(manifest.private).toBeUndefined();
      expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(manifest.license).toBeTruthy();
      expect(manifest.engines?.node).toBeTruthy();
      expect(raw).not.toContain('workspace:');
      for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
        if (versions.has(dep)) expect(range, `${name} → ${dep}`).toBe(versions.get(dep));
      }
    }
  });

  it('each tarball holds its built code, the types of every export and a README, and no sources or tests', () => {
    for (const name of PACKAGES) {
      const { manifest, entries } = packed.get(name)!;
      const files = entries.map((e) => e.replace(/^package\//, ''));
      expect(files).toContain('README.md');
      for (const [subpath, target] of Object.entries(manifest.exports)) {
        expect(files, `${name} ${subpath} types`).toContain(target.types.replace(/^\.\//, ''));
        expect(files, `${name} ${subpath}`).toContain(target.default.replace(/^\.\//, ''));
      }
      const stray = files.filter(
        (f) => !(f === 'package.json' || f === 'README.md' || f.startsWith('dist/')) || /\.test\.|\/bench\//.test(f),
      );
      expect(stray, name).toEqual([]);
    }
    expect(Object.keys(packed.get('runtime')!.manifest.exports).sort()).toEqual(['.', './testing']);
    expect(packed.get('sdk')!.manifest.bin).toEqual({ reelay: './dist/cli/main.js' });
  });

  it('zod resolves to one copy in the consumer, shared by the app and both packages', async () => {
    const { stdout } = await run('npm', ['ls', 'zod', '--all', '--json'], { cwd: project() });
    const versions = new Set<string>();
    const walk = (deps: Record<string, { version?: string; dependencies?: Record<string, unknown> }> | undefined) => {
      for (const [name, node] of Object.entries(deps ?? {})) {
        if (name === 'zod' && node.version) versions.add(node.version);
        walk(node.dependencies as typeof deps);
      }
    };
    walk(JSON.parse(stdout).dependencies);
    expect([...versions]).toHaveLength(1);
    const copies = (await findDirs(join(project(), 'node_modules'), 'zod')).filter((p) => existsSync(join(p, 'package.json')));
    expect(copies).toEqual([join(project(), 'node_modules/zod')]);
  });

  it("the SDK's front door loads nothing of the CLI: no commander, no cli-progress, no node: modules", async () => {
    const sdkRoot = join(project(), 'node_modules/@reelay/sdk');
    const bare = await bareImports(join(sdkRoot, 'dist/index.js'));
    expect([...bare].sort()).toEqual(['@reelay/contracts', 'eventsource-parser']);
    // The CLI is still there, as the package's bin, with its own dependencies installed.
    const { stdout } = await run(join(project(), 'node_modules/.bin/reelay'), ['--help'], { cwd: project() });
    expect(stdout).toContain('submit');
  });

  it('a custom worker and a typed client, built with tsc from the installed packages, run a job through the gateway', async () => {
    // Typecheck (the client's @ts-expect-error lines must be errors) and build.
    await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project(), timeout: 90_000 }).catch((err) => {
      throw new Error(`tsc failed in the consumer:\n${err.stdout}${err.stderr}`);
    });
    const system = await testing.startTestSystem({ ackWaitMs: 2_000 });
    try {
      const keysFile = join(dir, 'keys.json');
      await writeFile(keysFile, JSON.stringify([{ name: 'consumer', key: KEY, scopes: ['jobs:write', 'jobs:read'], projects: ['*'] }]));
      const gateway = await system.startService(
        join(root, 'services/gateway/dist/main.js'),
        { PORT: '0', REELAY_API_KEYS_FILE: keysFile },
        /gateway ready on http:\/\/[\d.:]+/,
      );
      const url = gateway.output().match(/gateway ready on (http:\/\/[\d.:]+)/)?.[1] ?? '';
      await system.startService(join(project(), 'dist/worker.js'), {}, /consumer-worker ready/);
      const { stdout } = await run(process.execPath, [join(project(), 'dist/submit.js')], {
        cwd: project(),
        env: { ...process.env, REELAY_URL: url, REELAY_API_KEY: KEY },
        timeout: 40_000,
      });
      const answer = JSON.parse(stdout) as { id: string; queue: string; result: unknown };
      expect(answer.queue).toBe('consumer');
      expect(answer.result).toEqual({ words: 3, longest: 'quick' });
      const job = await system.client.get(answer.id);
      expect(job).toMatchObject({ type: 'consumer.word-count', status: 'succeeded', attempts: 1, input: { minLength: 4 } });
      // The packed CLI lists the registered task with the worker serving it.
      const listed = await run(join(project(), 'node_modules/.bin/reelay'), ['tasks', '--json'], {
        cwd: project(),
        env: { ...process.env, REELAY_URL: url, REELAY_API_KEY: KEY },
      });
      const task = (
        JSON.parse(listed.stdout) as { items: { type: string; builtIn: boolean; workers: { service: string }[] }[] }
      ).items.find((t) => t.type === 'consumer.word-count');
      expect(task).toMatchObject({ builtIn: false, workers: [{ service: 'consumer-worker' }] });
    } finally {
      await system.close();
    }
  });
});

/** The bare specifiers (packages) a module graph imports, following its relative imports. */
async function bareImports(entry: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFile(file, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec));
      else bare.add(spec);
    }
  }
  return bare;
}

/** Every directory named `name` under `dir`, at any depth. */
async function findDirs(dir: string, name: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const full = join(dir, entry.name);
    if (entry.name === name) found.push(full);
    else found.push(...(await findDirs(full, name)));
  }
  return found;
}
