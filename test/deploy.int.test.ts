/**
 * deploy/ checked without a container engine: every YAML parses, compose and the
 * Kubernetes manifests wire the services the way the code expects (env, ports, probes,
 * secrets, KEDA triggers named after the contracts' stream and consumer names), each
 * Dockerfile builds only its own workspace package and runs it as a non-root user, the
 * health check commands really work, and the NATS cluster configs pass nats-server's own
 * config test. What this cannot show: that images build and containers start — nothing
 * here runs Docker or a cluster.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const deployDir = join(root, 'deploy');

// The root package does not depend on @reelay/contracts; resolve it the way a service
// does, so the names below come from the same build the images ship. A renamed export
// turns into undefined and fails the checks that use it.
const fromService = createRequire(join(root, 'services/gateway/package.json'));
const contracts = (await import(pathToFileURL(fromService.resolve('@reelay/contracts')).href)) as {
  jobsStream: (queue: string) => string;
  bandConsumer: (queue: string, band: string) => string;
  PRIORITY_BANDS: readonly string[];
  DEFAULT_QUEUES: readonly string[];
  ApiKeysFile: { safeParse(v: unknown): { success: boolean } };
};
const { jobsStream, bandConsumer, PRIORITY_BANDS, DEFAULT_QUEUES, ApiKeysFile } = contracts;

/** Service packages (services/<name>); each is one NATS user. */
const SERVICES = ['gateway', 'render-gpu', 'ai', 'publisher', 'scheduler', 'books'] as const;
/** Image → the service package it runs. render-gpu has a second, CUDA-based image. */
const IMAGES: Record<string, string> = {
  gateway: 'gateway',
  'render-gpu': 'render-gpu',
  'render-gpu.cuda': 'render-gpu',
  ai: 'ai',
  publisher: 'publisher',
  scheduler: 'scheduler',
  books: 'books',
};
/**
 * What compose and Kubernetes run → its image. Most services run as one workload named
 * after them; render-gpu adds a CUDA workload, and books runs one workload per role.
 */
const WORKLOADS: Record<string, string> = {
  gateway: 'gateway',
  'render-gpu': 'render-gpu',
  'render-gpu-cuda': 'render-gpu.cuda',
  ai: 'ai',
  publisher: 'publisher',
  scheduler: 'scheduler',
  'books-generation': 'books',
  'books-validation': 'books',
  'books-export': 'books',
};
/** The books workloads: BOOKS_ROLES role and replicas, as the reference BookGen system (generator ×2, validator ×2, exporter ×1). */
const BOOK_WORKLOADS: Record<string, { role: string; replicas: number }> = {
  'books-generation': { role: 'generation', replicas: 2 },
  'books-validation': { role: 'validation', replicas: 2 },
  'books-export': { role: 'export', replicas: 1 },
};
/** Worker Deployment → the queue it serves (render-gpu on CPU takes media, on GPU media-gpu). */
const WORKER_QUEUES: Record<string, string> = {
  'render-gpu': 'media',
  'render-gpu-cuda': 'media-gpu',
  ai: 'ai',
  publisher: 'publish',
  scheduler: 'system',
  'books-generation': 'book-generation',
  'books-validation': 'book-validation',
  'books-export': 'book-export',
};
const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
/** Where every worker serves /metrics, /healthz and /readyz in deploy/ (METRICS_PORT). */
const METRICS_PORT = '9464';
/** The worker images (every image but the gateway's). */
const WORKER_IMAGES = Object.keys(IMAGES).filter((i) => i !== 'gateway');

// ── helpers ────────────────────────────────────────────────────────────────────────

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Every document of a YAML file, failing loudly on any parse error. */
function yamlDocs(path: string): any[] {
  const docs = parseAllDocuments(read(path));
  if (!Array.isArray(docs)) throw new Error(`${path}: not a YAML stream`);
  for (const d of docs) {
    if (d.errors.length > 0) throw new Error(`${path}: ${d.errors.map((e) => e.message).join('; ')}`);
  }
  return docs.map((d) => d.toJS()).filter((d) => d !== null);
}

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}
interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** A Dockerfile as instructions (continuations joined, comments dropped), split into stages. */
function dockerfile(path: string): { args: Instruction[]; stages: Stage[] } {
  const instructions: Instruction[] = [];
  let pending = '';
  let start = 0;
  read(path)
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.trim();
      if (pending === '' && (line === '' || line.startsWith('#'))) return;
      if (pending !== '' && line.startsWith('#')) return; // comments inside a continuation
      if (pending === '') start = i + 1;
      if (line.endsWith('\\')) {
        pending += `${line.slice(0, -1)} `;
        return;
      }
      const text = pending + line;
      pending = '';
      const [keyword, ...rest] = text.split(/\s+/);
      instructions.push({ keyword: keyword!.toUpperCase(), args: rest.join(' '), line: start });
    });
  expect(pending, `${path} ends inside a line continuation`).toBe('');
  const args: Instruction[] = [];
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`${path}:${ins.line}: cannot read FROM ${ins.args}`);
      stages.push({ from: m[1]!, name: m[2], instructions: [] });
    } else if (stages.length === 0) {
      args.push(ins);
    } else {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { args, stages };
}

function all(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** The command of an exec-form instruction (`CMD ["a","b"]`). */
function execForm(args: string): string[] {
  const parsed = JSON.parse(args) as unknown;
  expect(Array.isArray(parsed), `exec form expected: ${args}`).toBe(true);
  return parsed as string[];
}

function workspacePackageNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const dir of ['packages', 'services']) {
    for (const d of readdirSync(join(root, dir))) {
      const pkg = join(root, dir, d, 'package.json');
      if (existsSync(pkg)) names.set(JSON.parse(read(pkg)).name, `${dir}/${d}`);
    }
  }
  return names;
}

function runNode(args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolveExit, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => resolveExit(code ?? -1));
  });
}

/** The command a HEALTHCHECK runs, with `node` replaced by this process's node. */
function healthcheckArgs(stage: Stage): string[] {
  const hc = all(stage, 'HEALTHCHECK').at(-1)!;
  const cmd = hc.args.slice(hc.args.indexOf('CMD') + 'CMD'.length).trim();
  const argv = execForm(cmd);
  expect(argv[0]).toBe('node');
  return argv.slice(1);
}

// ── Dockerfiles ────────────────────────────────────────────────────────────────────

describe('Dockerfiles', () => {
  const workspace = workspacePackageNames();

  it('every service has a Dockerfile that prunes, installs, builds and deploys only its own workspace package', () => {
    for (const [image, service] of Object.entries(IMAGES)) {
      const path = join(deployDir, `${image}.Dockerfile`);
      expect(existsSync(path), `${path} exists`).toBe(true);
      const pkgName = `@reelay/${service}`;
      expect(workspace.get(pkgName), `${pkgName} is the package in services/${service}`).toBe(`services/${service}`);

      const { stages } = dockerfile(path);
      const runs = stages.flatMap((s) => all(s, 'RUN').map((r) => r.args));
      const has = (re: RegExp) =>
        expect(
          runs.some((r) => re.test(r)),
          `${image}: a RUN matching ${re}`,
        ).toBe(true);
      const pkg = pkgName.replace('/', '\\/');
      has(new RegExp(`turbo(@\\S+)? prune ${pkg} --docker`));
      has(/pnpm install --frozen-lockfile/);
      has(new RegExp(`pnpm turbo run build --filter=${pkg}\\.\\.\\.(\\s|$)`));
      has(new RegExp(`pnpm --filter ${pkg} deploy --prod --legacy /out`));

      // No other workspace package is named: the image is cut to this service alone.
      const named = new Set(runs.flatMap((r) => r.match(/@reelay\/[a-z-]+/g) ?? []));
      expect([...named], `${image} names only ${pkgName}`).toEqual([pkgName]);

      // The install runs on the pruned package.json files and lockfile before the sources
      // arrive, so the dependency layer stays cached while code changes.
      const build = stages.find((s) => all(s, 'RUN').some((r) => r.args.includes('pnpm install')))!;
      const order = build.instructions.map((i) => `${i.keyword} ${i.args}`);
      const jsonCopy = order.findIndex((i) => /^COPY --from=prune \S*out\/json/.test(i));
      const install = order.findIndex((i) => i.includes('pnpm install --frozen-lockfile'));
      const fullCopy = order.findIndex((i) => /^COPY --from=prune \S*out\/full/.test(i));
      expect(jsonCopy).toBeGreaterThanOrEqual(0);
      expect(install).toBeGreaterThan(jsonCopy);
      expect(fullCopy).toBeGreaterThan(install);
    }
  });

  it('every image ends in a slim runtime stage that runs dist/main.js as a non-root user, with a health check and SIGTERM', () => {
    for (const image of Object.keys(IMAGES)) {
      const path = join(deployDir, `${image}.Dockerfile`);
      const { args, stages } = dockerfile(path);
      expect(stages.length, `${image} is multi-stage`).toBeGreaterThanOrEqual(3);
      const final = stages.at(-1)!;
      const base = final.from.replace(/^\$\{(\w+)\}$/, (_, name: string) => {
        const arg = args.find((a) => a.keyword === 'ARG' && a.args.startsWith(`${name}=`));
        return arg ? arg.args.slice(name.length + 1) : name;
      });
      expect(base, `${image} runtime base`).toMatch(image.endsWith('.cuda') ? /^nvidia\/cuda:.*-base-/ : /^node:22-bookworm-slim$/);

      // Only the deploy output reaches the runtime stage: no sources, no dev dependencies.
      const copies = all(final, 'COPY').map((c) => c.args);
      expect(
        copies.some((c) => /^--from=build \/out\/? \.\/?$/.test(c)),
        `${image} copies /out from build`,
      ).toBe(true);

      const user = all(final, 'USER').at(-1)?.args;
      expect(user, `${image} sets USER in its final stage`).toBeDefined();
      expect(user!.split(':')[0], `${image} user`).not.toMatch(/^(root|0)$/);
      expect(user!.split(':')[0], `${image} uses a numeric uid (Kubernetes runAsNonRoot can verify it)`).toMatch(/^[1-9]\d*$/);

      expect(all(final, 'STOPSIGNAL').at(-1)?.args).toBe('SIGTERM');
      expect(all(final, 'HEALTHCHECK').length, `${image} HEALTHCHECK`).toBe(1);
      expect(execForm(all(final, 'CMD').at(-1)!.args)).toEqual(['node', 'dist/main.js']);
      expect(all(final, 'WORKDIR').at(-1)?.args).toBe('/app');
      expect(all(final, 'ENTRYPOINT'), `${image}: CMD is the whole command`).toEqual([]);
    }
  });

  it('the runtime images install the system tools their service shells out to', () => {
    const aptOf = (image: string) =>
      all(dockerfile(join(deployDir, `${image}.Dockerfile`)).stages.at(-1)!, 'RUN')
        .map((r) => /apt-get install (.*?)(&&|$)/.exec(r.args)?.[1] ?? '')
        .join(' ')
        .split(/\s+/)
        .filter((w) => w !== '' && !w.startsWith('-'));
    expect(aptOf('render-gpu')).toContain('ffmpeg');
    expect(aptOf('render-gpu.cuda')).toContain('ffmpeg');
    expect(aptOf('ai')).toEqual(expect.arrayContaining(['ffmpeg', 'flite', 'espeak-ng', 'pocketsphinx', 'pocketsphinx-en-us']));
    // books: the PDF export's fonts come from the npm package dejavu-fonts-ttf.
    for (const image of ['gateway', 'publisher', 'scheduler', 'books'])
      expect(aptOf(image), `${image} needs no system packages`).toEqual([]);

    // NVENC: the NVIDIA runtime mounts libnvidia-encode only when asked for `video`.
    const cuda = dockerfile(join(deployDir, 'render-gpu.cuda.Dockerfile')).stages.at(-1)!;
    const env = all(cuda, 'ENV')
      .map((e) => e.args)
      .join(' ');
    const caps = /NVIDIA_DRIVER_CAPABILITIES=(\S+)/.exec(env)?.[1]?.split(',') ?? [];
    expect(caps).toEqual(expect.arrayContaining(['compute', 'video', 'utility']));
    expect(
      all(cuda, 'COPY').some((c) => /^--from=node \/usr\/local\/bin\/node /.test(c.args)),
      'node comes from the official image',
    ).toBe(true);
  });

  it('each Dockerfile has an ignore file that keeps host node_modules and build output out of the context', () => {
    for (const image of Object.keys(IMAGES)) {
      const ignore = join(deployDir, `${image}.Dockerfile.dockerignore`);
      expect(existsSync(ignore), `${ignore} exists`).toBe(true);
      const patterns = read(ignore)
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'));
      expect(patterns).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
      // The prune stage needs the lockfile, workspace file and every package manifest.
      for (const needed of ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json', 'turbo.json', 'packages', 'services']) {
        expect(patterns, `${image} must not ignore ${needed}`).not.toContain(needed);
      }
    }
  });

  it('each worker image serves its health endpoint on METRICS_PORT by default and exposes it', () => {
    for (const image of WORKER_IMAGES) {
      const final = dockerfile(join(deployDir, `${image}.Dockerfile`)).stages.at(-1)!;
      expect(
        all(final, 'ENV').some((e) => e.args === `METRICS_PORT=${METRICS_PORT}`),
        `${image} ENV METRICS_PORT`,
      ).toBe(true);
      expect(
        all(final, 'EXPOSE').map((e) => e.args),
        `${image} EXPOSE`,
      ).toContain(METRICS_PORT);
    }
  });

  it('the health checks pass while /healthz answers 200 and fail when it answers 503 or nothing listens (workers on METRICS_PORT, the gateway on PORT)', async () => {
    let healthy = true;
    const server: Server = createServer((req, res) => {
      res.statusCode = req.url === '/healthz' && healthy ? 200 : 503;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = String((server.address() as AddressInfo).port);
    const checks = [...WORKER_IMAGES.map((image) => ({ image, portVar: 'METRICS_PORT' })), { image: 'gateway', portVar: 'PORT' }]
      .map(({ image, portVar }) => ({
        image,
        portVar,
        args: healthcheckArgs(dockerfile(join(deployDir, `${image}.Dockerfile`)).stages.at(-1)!),
      }))
      // The worker images share one command: run each distinct command once (node starts are slow).
      .filter((c, i, list) => list.findIndex((o) => o.args.join(' ') === c.args.join(' ') && o.portVar === c.portVar) === i);
    try {
      for (const { image, portVar, args } of checks) {
        expect(args.join(' '), image).toContain('/healthz');
        healthy = true;
        expect(await runNode(args, { [portVar]: port }), `${image} healthy`).toBe(0);
        healthy = false;
        expect(await runNode(args, { [portVar]: port }), `${image} unhealthy`).toBe(1);
      }
    } finally {
      await new Promise((r) => server.close(r));
    }
    // Nothing listening: unhealthy, not an exception.
    for (const { image, portVar, args } of checks) expect(await runNode(args, { [portVar]: port }), image).toBe(1);
  });
});

// ── every YAML ─────────────────────────────────────────────────────────────────────

describe('YAML', () => {
  it('every YAML file under deploy/ parses without errors', () => {
    const files = listFiles(deployDir).filter((f) => /\.ya?ml$/.test(f));
    expect(files.map((f) => relative(deployDir, f))).toEqual(expect.arrayContaining(['compose.yaml', 'k8s/kustomization.yaml']));
    for (const f of files) expect(yamlDocs(f).length, `${f} has documents`).toBeGreaterThan(0);
  });
});

// ── docker compose ─────────────────────────────────────────────────────────────────

describe('docker compose', () => {
  const compose = parse(read(join(deployDir, 'compose.yaml')), { merge: true });
  const services = compose.services as Record<string, any>;

  it('runs nats, jaeger and every service, each pointed at nats and at jaeger for traces', () => {
    expect(Object.keys(services).sort()).toEqual([...Object.keys(WORKLOADS), 'nats', 'jaeger', 'postgres'].sort());
    for (const name of Object.keys(WORKLOADS)) {
      const env = services[name].environment;
      expect(env.NATS_URL, `${name} NATS_URL`).toBe('nats://nats:4222');
      expect(env.OTEL_EXPORTER_OTLP_ENDPOINT, `${name} OTLP`).toBe('http://jaeger:4318');
      // Compose waits longer than the runtime's drain before it kills.
      const grace = Number(env.SHUTDOWN_GRACE_MS ?? DEFAULT_SHUTDOWN_GRACE_MS);
      expect(Number.parseInt(services[name].stop_grace_period, 10) * 1000, `${name} stop_grace_period`).toBeGreaterThan(grace);
      // Services start only once JetStream answers.
      expect(services[name].depends_on.nats.condition).toBe('service_healthy');
    }
  });

  it('every worker serves METRICS_PORT and is healthy in compose only once its /readyz answers there', () => {
    for (const name of Object.keys(WORKLOADS).filter((n) => n !== 'gateway')) {
      const svc = services[name];
      expect(svc.environment.METRICS_PORT, `${name} METRICS_PORT`).toBe(METRICS_PORT);
      const test = (svc.healthcheck?.test ?? []).join(' ');
      expect(test, `${name} healthcheck`).toContain(`127.0.0.1:${METRICS_PORT}/readyz`);
      expect(svc.healthcheck.test[0], name).toBe('CMD');
    }
  });

  it('every Reelay service gets the shared encryption key for sensitive task inputs', () => {
    const reelay = Object.entries(compose.services as Record<string, any>).filter(([, svc]) =>
      String(svc.image ?? '').startsWith('reelay/'),
    );
    expect(reelay.length).toBeGreaterThan(5);
    // compose's own interpolation syntax, not a template literal
    const fromShell = ['$', '{REELAY_ENCRYPTION_KEY:-}'].join('');
    for (const [name, svc] of reelay) expect(svc.environment.REELAY_ENCRYPTION_KEY, name).toBe(fromShell);
  });

  it('every depends_on names a service of the file, and every service it waits healthy for has a healthcheck', () => {
    for (const [name, svc] of Object.entries(services)) {
      const deps = svc.depends_on ?? {};
      for (const [dep, how] of Object.entries(deps as Record<string, { condition: string }>)) {
        expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
        if (how.condition === 'service_healthy') expect(services[dep].healthcheck, `${dep} healthcheck`).toBeDefined();
      }
    }
  });

  it('every service builds from the repository root with its own Dockerfile', () => {
    for (const [name, image] of Object.entries(WORKLOADS)) {
      const build = services[name].build;
      expect(resolve(deployDir, build.context), `${name} context`).toBe(root);
      expect(build.dockerfile).toBe(`deploy/${image}.Dockerfile`);
      expect(existsSync(join(root, build.dockerfile))).toBe(true);
      expect(services[name].image, `${name} image`).toMatch(/^reelay\/[a-z-]+:[\w.-]+$/);
    }
  });

  it('the gateway keeps its job store in the compose PostgreSQL and starts once that is healthy', () => {
    const gw = services.gateway;
    const url = new URL(gw.environment.JOB_STORE_URL.replace(/\$\{POSTGRES_PASSWORD[^}]*\}/, 'x'));
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe('postgres');
    expect(url.pathname).toBe(`/${services.postgres.environment.POSTGRES_DB}`);
    expect(url.username).toBe(services.postgres.environment.POSTGRES_USER);
    expect(gw.depends_on.postgres.condition).toBe('service_healthy');
    expect(gw.depends_on.nats.condition).toBe('service_healthy');
    expect(services.postgres.healthcheck.test).toContain('pg_isready');
  });

  it('the gateway publishes 8080 on all interfaces and mounts an API keys file the contracts accept', () => {
    const gw = services.gateway;
    expect(gw.ports).toContain('8080:8080');
    expect(gw.environment.PORT).toBe('8080');
    expect(gw.environment.HOST).toBe('0.0.0.0');
    const mount = (gw.volumes as string[]).find((v) => v.split(':')[1] === gw.environment.REELAY_API_KEYS_FILE);
    expect(mount, 'REELAY_API_KEYS_FILE is mounted').toBeDefined();
    const source = resolve(deployDir, mount!.split(':')[0]!);
    expect(ApiKeysFile.safeParse(JSON.parse(read(source))).success).toBe(true);
    expect(gw.healthcheck.test.join(' ')).toContain('/readyz');

    const pub = services.publisher;
    const credMount = (pub.volumes as string[]).find((v) => v.split(':')[1] === pub.environment.PUBLISH_CREDENTIALS_FILE);
    expect(credMount, 'PUBLISH_CREDENTIALS_FILE is mounted').toBeDefined();
    expect(JSON.parse(read(resolve(deployDir, credMount!.split(':')[0]!))).projects).toBeTypeOf('object');
  });

  it('nats runs JetStream with a data volume and monitoring, jaeger takes OTLP/HTTP and serves its UI', () => {
    const nats = services.nats;
    expect(nats.image).toMatch(/^nats:2\.10/);
    const cmd = (nats.command as string[]).join(' ');
    expect(cmd).toMatch(/(^|\s)-js(\s|$)/);
    expect(cmd).toMatch(/-sd \/data/);
    expect(nats.volumes.some((v: string) => v.endsWith(':/data') && Object.keys(compose.volumes).includes(v.split(':')[0]!))).toBe(true);
    expect(nats.ports).toContain('8222:8222');
    expect(nats.healthcheck.test.join(' ')).toContain(':8222/healthz');

    expect(services.jaeger.image).toMatch(/^jaegertracing\//);
    expect(services.jaeger.ports).toEqual(expect.arrayContaining(['4318:4318', '16686:16686']));
  });

  it('books runs as three role workers from one image: generation ×2, validation ×2, export ×1', () => {
    for (const [name, { role, replicas }] of Object.entries(BOOK_WORKLOADS)) {
      expect(services[name].environment.BOOKS_ROLES, `${name} BOOKS_ROLES`).toBe(role);
      expect(services[name].deploy?.replicas ?? 1, `${name} replicas`).toBe(replicas);
      expect(services[name].image).toBe(services['books-generation'].image);
      // Replicas need compose-chosen names and no published ports.
      expect(services[name].container_name, name).toBeUndefined();
      expect(services[name].ports, name).toBeUndefined();
    }
  });

  it('the NVENC render worker is opt-in (profile gpu) and reserves an NVIDIA GPU with the video capability', () => {
    const cuda = services['render-gpu-cuda'];
    expect(cuda.profiles).toEqual(['gpu']);
    const devices = cuda.deploy.resources.reservations.devices;
    expect(devices).toHaveLength(1);
    expect(devices[0].driver).toBe('nvidia');
    expect(devices[0].capabilities).toEqual(expect.arrayContaining(['gpu', 'video']));
    for (const name of Object.keys(WORKLOADS).filter((n) => n !== 'render-gpu-cuda'))
      expect(services[name].profiles, `${name} runs by default`).toBeUndefined();
  });
});

// ── Kubernetes ─────────────────────────────────────────────────────────────────────

describe('Kubernetes (kustomize + KEDA)', () => {
  const k8sDir = join(deployDir, 'k8s');
  const kustomization = parse(read(join(k8sDir, 'kustomization.yaml')));
  const objects = (kustomization.resources as string[]).flatMap((f) => yamlDocs(join(k8sDir, f)));
  const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const deployments = ofKind('Deployment');
  const byName = (kind: string, name: string) => ofKind(kind).find((o) => o.metadata.name === name);
  const configMap = (name: string) => byName('ConfigMap', name)?.data as Record<string, string>;
  /** A container's value for an env var: its own env first, then its envFrom ConfigMaps. */
  const envValue = (container: any, key: string): string | undefined =>
    container.env?.find((e: any) => e.name === key)?.value ??
    (container.envFrom ?? []).map((f: any) => f.configMapRef && configMap(f.configMapRef.name)?.[key]).find((v: any) => v !== undefined);

  it('every file kustomization.yaml lists exists and holds Kubernetes objects', () => {
    expect(kustomization.kind).toBe('Kustomization');
    expect(kustomization.namespace).toBe('reelay');
    for (const f of kustomization.resources as string[]) {
      expect(existsSync(join(k8sDir, f)), `${f} exists`).toBe(true);
      for (const o of yamlDocs(join(k8sDir, f))) {
        expect(o.apiVersion, `${f}: apiVersion`).toBeTypeOf('string');
        expect(o.kind, `${f}: kind`).toBeTypeOf('string');
        expect(o.metadata?.name, `${f}: metadata.name`).toBeTypeOf('string');
      }
    }
    // Nothing in k8s/ is left out of the kustomization by mistake.
    const listed = new Set(kustomization.resources as string[]);
    for (const f of readdirSync(k8sDir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml'))
      expect(listed.has(f), f).toBe(true);
    // Every image the Deployments run can be retagged through `images:`.
    const retaggable = new Set((kustomization.images as { name: string }[]).map((i) => i.name));
    for (const d of deployments) for (const c of d.spec.template.spec.containers) expect(retaggable.has(c.image.split(':')[0])).toBe(true);
  });

  it('there is a Deployment per service plus the GPU render worker, all with resources, a liveness probe and a non-root, read-only container', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(Object.keys(WORKLOADS).sort());
    for (const d of deployments) {
      const image = d.spec.template.spec.containers[0].image.split(':')[0];
      expect(image, `${d.metadata.name} image`).toBe(`reelay/${WORKLOADS[d.metadata.name]!.replace('.', '-')}`);
      const name = d.metadata.name;
      const pod = d.spec.template.spec;
      expect(d.spec.selector.matchLabels, name).toEqual(d.spec.template.metadata.labels);
      expect(pod.securityContext.runAsNonRoot, `${name} runAsNonRoot`).toBe(true);
      expect(pod.securityContext.runAsUser, `${name} runAsUser`).toBeGreaterThan(0);
      for (const c of pod.containers) {
        expect(c.resources.requests.cpu, `${name} cpu request`).toBeDefined();
        expect(c.resources.requests.memory, `${name} memory request`).toBeDefined();
        expect(c.resources.limits.memory, `${name} memory limit`).toBeDefined();
        expect(c.livenessProbe, `${name} liveness`).toBeDefined();
        expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
        expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
        expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
        // A read-only root needs a writable temp dir for job files.
        expect(
          c.volumeMounts.some((m: any) => m.mountPath === '/tmp'),
          `${name} /tmp`,
        ).toBe(true);
        expect(envValue(c, 'NATS_URL'), `${name} NATS_URL`).toMatch(/^nats:\/\//);
        expect(envValue(c, 'STREAM_REPLICAS'), `${name} replicated streams`).toBe('3');
        expect(envValue(c, 'OTEL_EXPORTER_OTLP_ENDPOINT'), `${name} OTLP`).toMatch(/^http:\/\/.+:4318$/);
      }
    }
  });

  it('every Deployment reads REELAY_ENCRYPTION_KEY from one optional Secret, so sealed task inputs open in every service', () => {
    const secret = byName('Secret', 'reelay-encryption');
    expect(secret, 'reelay-encryption in secrets.example.yaml').toBeDefined();
    for (const d of deployments) {
      const ref = d.spec.template.spec.containers[0].env.find((e: any) => e.name === 'REELAY_ENCRYPTION_KEY')?.valueFrom?.secretKeyRef;
      expect(ref, d.metadata.name).toMatchObject({ name: 'reelay-encryption', key: 'REELAY_ENCRYPTION_KEY', optional: true });
      expect(secret.stringData[ref.key]).toBeTypeOf('string');
    }
  });

  it('every pod may take longer to stop than its own SHUTDOWN_GRACE_MS', () => {
    for (const d of deployments) {
      const grace = Number(envValue(d.spec.template.spec.containers[0], 'SHUTDOWN_GRACE_MS') ?? DEFAULT_SHUTDOWN_GRACE_MS);
      expect(d.spec.template.spec.terminationGracePeriodSeconds * 1000, d.metadata.name).toBeGreaterThan(grace);
    }
  });

  it('every worker is probed over HTTP on its metrics port (/healthz liveness, /readyz readiness) and scraped by Prometheus', () => {
    for (const d of deployments.filter((d) => d.metadata.name !== 'gateway')) {
      const name = d.metadata.name;
      const c = d.spec.template.spec.containers[0];
      expect(envValue(c, 'METRICS_PORT'), `${name} METRICS_PORT`).toBe(METRICS_PORT);
      const port = c.ports?.find((p: any) => p.name === 'metrics');
      expect(String(port?.containerPort), `${name} metrics port`).toBe(METRICS_PORT);
      expect(c.livenessProbe.exec, `${name}: no exec liveness probe left`).toBeUndefined();
      expect(c.livenessProbe.httpGet, `${name} liveness`).toEqual({ path: '/healthz', port: 'metrics' });
      expect(c.readinessProbe?.httpGet, `${name} readiness`).toEqual({ path: '/readyz', port: 'metrics' });
      // A probe that gives up before the readiness round trips (2 s each at most) would flap.
      expect(c.readinessProbe.timeoutSeconds, `${name} readiness timeout`).toBeGreaterThanOrEqual(3);
      expect(d.spec.template.metadata.annotations, `${name} scrape annotations`).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': METRICS_PORT,
        'prometheus.io/path': '/metrics',
      });
    }
    const gw = byName('Deployment', 'gateway');
    expect(gw.spec.template.metadata.annotations['prometheus.io/port']).toBe(envValue(gw.spec.template.spec.containers[0], 'PORT'));
  });

  it('the gateway listens on all interfaces, is probed on /healthz and /readyz and is reached through a Service', () => {
    const gw = byName('Deployment', 'gateway').spec.template.spec.containers[0];
    expect(envValue(gw, 'HOST')).toBe('0.0.0.0');
    const port = gw.ports.find((p: any) => p.name === 'http');
    expect(String(port.containerPort)).toBe(envValue(gw, 'PORT'));
    expect(gw.livenessProbe.httpGet.path).toBe('/healthz');
    expect(gw.readinessProbe.httpGet.path).toBe('/readyz');
    expect(gw.livenessProbe.httpGet.port).toBe('http');
    const keysMount = gw.volumeMounts.find((m: any) => envValue(gw, 'REELAY_API_KEYS_FILE')!.startsWith(`${m.mountPath}/`));
    expect(keysMount, 'REELAY_API_KEYS_FILE is on a mounted volume').toBeDefined();

    // The job store: a PostgreSQL URL from a Secret the example secrets define.
    const store = gw.env.find((e: any) => e.name === 'JOB_STORE_URL').valueFrom.secretKeyRef;
    const secret = byName('Secret', store.name) as any;
    expect(secret, `Secret ${store.name}`).toBeDefined();
    expect(secret.stringData[store.key]).toMatch(/^postgres:\/\//);

    const svc = byName('Service', 'gateway');
    expect(svc.spec.selector).toEqual(byName('Deployment', 'gateway').spec.template.metadata.labels);
    expect(svc.spec.ports[0].targetPort).toBe('http');
  });

  it('every worker Deployment has a ScaledObject with one nats-jetstream trigger per band consumer of its queue', () => {
    expect(typeof jobsStream).toBe('function');
    expect(typeof bandConsumer).toBe('function');
    expect(PRIORITY_BANDS.length).toBeGreaterThan(0);
    const scaled = ofKind('ScaledObject');
    expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual(Object.keys(WORKER_QUEUES).sort());
    for (const [worker, queue] of Object.entries(WORKER_QUEUES)) {
      expect(byName('Deployment', worker), `${worker} Deployment`).toBeDefined();
      const so = scaled.find((s) => s.spec.scaleTargetRef.name === worker)!;
      expect(so.apiVersion).toBe('keda.sh/v1alpha1');
      expect(so.spec.maxReplicaCount).toBeGreaterThan(so.spec.minReplicaCount);
      const triggers = so.spec.triggers as { type: string; metadata: Record<string, string> }[];
      expect(triggers.every((t) => t.type === 'nats-jetstream')).toBe(true);
      expect(triggers.map((t) => `${t.metadata.stream}/${t.metadata.consumer}`).sort()).toEqual(
        PRIORITY_BANDS.map((band) => `${jobsStream(queue)}/${bandConsumer(queue, band)}`).sort(),
      );
      for (const t of triggers) {
        expect(t.metadata.natsServerMonitoringEndpoint).toMatch(/:8222$/);
        expect(t.metadata.account).toBe('REELAY');
        expect(Number(t.metadata.lagThreshold)).toBeGreaterThan(0);
      }
    }
    // Every default queue has workers that scale on it.
    expect(Object.values(WORKER_QUEUES).sort()).toEqual([...DEFAULT_QUEUES].sort());
  });

  it('each books Deployment runs its one BOOKS_ROLES role, with the reference replicas as its KEDA floor', () => {
    for (const [name, { role, replicas }] of Object.entries(BOOK_WORKLOADS)) {
      const d = byName('Deployment', name);
      expect(envValue(d.spec.template.spec.containers[0], 'BOOKS_ROLES'), `${name} BOOKS_ROLES`).toBe(role);
      expect(d.spec.replicas, `${name} replicas`).toBe(replicas);
      expect(ofKind('ScaledObject').find((s) => s.spec.scaleTargetRef.name === name).spec.minReplicaCount, name).toBe(replicas);
    }
  });

  it('the GPU render Deployment requests one nvidia.com/gpu and the NVENC driver capabilities, and may idle at zero', () => {
    const pod = byName('Deployment', 'render-gpu-cuda').spec.template.spec;
    const c = pod.containers[0];
    expect(String(c.resources.limits['nvidia.com/gpu'])).toBe('1');
    expect(envValue(c, 'NVIDIA_DRIVER_CAPABILITIES')!.split(',')).toEqual(expect.arrayContaining(['compute', 'video', 'utility']));
    expect(pod.tolerations.some((t: any) => t.key === 'nvidia.com/gpu')).toBe(true);
    expect(ofKind('ScaledObject').find((s) => s.spec.scaleTargetRef.name === 'render-gpu-cuda').spec.minReplicaCount).toBe(0);
    // The CPU render worker never asks for a GPU.
    expect(byName('Deployment', 'render-gpu').spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
  });

  it('every Secret key and ConfigMap a Deployment references is defined in the kustomization', () => {
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      for (const c of pod.containers) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref) expect(byName('Secret', ref.name)?.stringData?.[ref.key], `${d.metadata.name}: ${ref.name}/${ref.key}`).toBeDefined();
        }
        for (const f of c.envFrom ?? []) expect(configMap(f.configMapRef.name), `${d.metadata.name}: ${f.configMapRef.name}`).toBeDefined();
      }
      for (const v of pod.volumes ?? []) {
        if (v.secret) expect(byName('Secret', v.secret.secretName), `${d.metadata.name}: ${v.secret.secretName}`).toBeDefined();
      }
    }
    const keys = JSON.parse(byName('Secret', 'reelay-api-keys').stringData['api-keys.json']);
    expect(ApiKeysFile.safeParse(keys).success).toBe(true);
  });
});

// ── NATS cluster ───────────────────────────────────────────────────────────────────

// ── Grafana ────────────────────────────────────────────────────────────────────────

describe('Grafana dashboard', () => {
  const dashboard = JSON.parse(read(join(deployDir, 'grafana/reelay-dashboard.json')));
  const panels = (dashboard.panels as any[]).filter((p) => p.type !== 'row');
  const exprs = panels.flatMap((p) => (p.targets as { expr: string }[]).map((t) => t.expr));

  it('is a dashboard of Prometheus panels, each with a query, a title and a place on the grid', () => {
    expect(dashboard.uid).toBeTypeOf('string');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(panels.length).toBeGreaterThanOrEqual(8);
    const ids = new Set<number>();
    for (const p of dashboard.panels as any[]) {
      expect(ids.has(p.id), `panel id ${p.id} is unique`).toBe(false);
      ids.add(p.id);
      expect(p.gridPos.w).toBeGreaterThan(0);
    }
    for (const p of panels) {
      expect(p.title, 'title').toBeTypeOf('string');
      expect(p.datasource.type, p.title).toBe('prometheus');
      expect(p.targets.length, p.title).toBeGreaterThan(0);
    }
  });

  it('charts the task histograms, failures and retries by code, DLQ depth, worker slots and process metrics', () => {
    const all = exprs.join('\n');
    for (const needed of [
      'reelay_task_wait_seconds_bucket',
      'reelay_task_run_seconds_bucket',
      'reelay_task_run_seconds_count',
      'reelay_task_failures_total',
      'reelay_task_retries_total',
      'reelay_dlq_depth',
      'reelay_worker_slots',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(all, needed).toContain(needed);
    }
    expect(all).toMatch(/sum by \(task, code\) \(rate\(reelay_task_failures_total/);
  });

  it('queries only metrics that the services export', async () => {
    // The runtime's registry (every worker service) and the gateway's metric names.
    const runtime = (await import(pathToFileURL(fromService.resolve('@reelay/runtime')).href)) as {
      ServiceMonitor: new (service: string) => { registry: { getMetricsAsJSON(): Promise<{ name: string }[]> }; stop(): void };
    };
    const monitor = new runtime.ServiceMonitor('dashboard-check');
    const exported = new Set((await monitor.registry.getMetricsAsJSON()).map((m) => m.name));
    monitor.stop();
    for (const f of listFiles(join(root, 'services/gateway/src/metrics'))) {
      for (const m of read(f).matchAll(/name: '(\w+)'/g)) exported.add(m[1]!);
    }
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\b((?:reelay|process|nodejs)_\w+)/g)].map((m) => m[1]!)));
    for (const name of used) {
      const base = name.replace(/_(bucket|count|sum)$/, '');
      expect(exported.has(name) || exported.has(base), `${name} is exported`).toBe(true);
    }
  });
});

describe('NATS cluster config', () => {
  const natsDir = join(deployDir, 'nats');
  const nodes = ['nats-1.conf', 'nats-2.conf', 'nats-3.conf'];
  const shared = read(join(natsDir, 'cluster.conf'));
  const passwordVars = [...shared.matchAll(/password:\s*\$(\w+)/g)].map((m) => m[1]!);
  const users = [...shared.matchAll(/user:\s*([\w-]+)/g)].map((m) => m[1]!);
  const secretEnv = Object.fromEntries(passwordVars.map((v) => [v, `test-${v.toLowerCase()}`]));
  let serverVersion = '';

  beforeAll(() => {
    const v = spawnSync('nats-server', ['--version'], { encoding: 'utf8' });
    expect(v.status, 'nats-server is installed').toBe(0);
    serverVersion = v.stdout.trim();
  });

  it('each node config of the 3-node cluster passes `nats-server -t` with its credentials taken from the environment', () => {
    expect(serverVersion).toMatch(/^nats-server: v2\./);
    const names = new Set<string>();
    for (const node of nodes) {
      const conf = read(join(natsDir, node));
      names.add(/server_name:\s*(\S+)/.exec(conf)![1]!);
      const r = spawnSync('nats-server', ['-t', '-c', node], { cwd: natsDir, encoding: 'utf8', env: { ...process.env, ...secretEnv } });
      expect(r.status, `${node}: ${r.stderr}`).toBe(0);
      expect(r.stderr + r.stdout).toContain(`configuration file ${node} is valid`);
    }
    expect(names.size, 'server names are unique').toBe(3);
    const routes = [...shared.matchAll(/nats-route:\/\/([\w.-]+):6222/g)].map((m) => m[1]);
    expect(routes.sort()).toEqual([...names].sort());
    expect(shared).toMatch(/jetstream\s*\{[^}]*store_dir:/);
    expect(shared).toMatch(/max_file_store:/);
  });

  it('a node config refuses to load when a credential variable is missing: no password is written in the file', () => {
    expect(passwordVars.length).toBeGreaterThan(0);
    const env = { ...process.env, ...secretEnv };
    delete env[passwordVars[0]!];
    const r = spawnSync('nats-server', ['-t', '-c', nodes[0]!], { cwd: natsDir, encoding: 'utf8', env });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(passwordVars[0]);
  });

  it('the NATS users are the services that the Kubernetes Deployments connect as', () => {
    const objects = parseAllDocuments(read(join(deployDir, 'k8s/secrets.example.yaml'))).map((d) => d.toJS());
    const natsSecret = objects.find((o) => o.metadata.name === 'reelay-nats');
    const k8sDir = join(deployDir, 'k8s');
    const deploymentUsers = readdirSync(k8sDir)
      .flatMap((f) => yamlDocs(join(k8sDir, f)))
      .filter((o) => o.kind === 'Deployment')
      .map((d) => d.spec.template.spec.containers[0].env.find((e: any) => e.name === 'NATS_USER').value as string);
    expect(new Set(deploymentUsers)).toEqual(new Set(SERVICES));
    for (const service of SERVICES) {
      expect(users, `cluster.conf declares user ${service}`).toContain(service);
      expect(natsSecret.stringData[`${service}-password`], `reelay-nats/${service}-password`).toBeDefined();
    }
  });
});

describe('docs', () => {
  it('docs/deploy.md covers compose, Kubernetes, the NATS cluster and says what was not run', () => {
    const doc = read(join(root, 'docs/deploy.md'));
    for (const heading of [/^## .*compose/im, /^## .*kubernetes/im, /^## .*nats/im, /^## .*scal/im]) expect(doc).toMatch(heading);
    expect(doc).toContain('test/deploy.int.test.ts');
    expect(doc).toMatch(/NATS_CREDS/);
    // Every file the doc points at exists.
    for (const m of doc.matchAll(/`(deploy\/[\w./-]+)`/g)) expect(existsSync(join(root, m[1]!)), m[1]).toBe(true);
  });
});
