/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core against a
 * real nats-server, the gateway and scheduler as processes, and a worker in this process
 * whose tasks wait on gates the test opens (so "live" is seen happening, not assumed).
 * One browser and one stack for the file; the tests run in order and build on each other.
 * REELAY_DASHBOARD_SCREENSHOTS=<dir> saves the main pages as PNGs there (docs/images).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ArtifactRef, defineTask } from '@reelay/contracts';
import { implementTask, PermanentError, type RunningWorker, runWorker } from '@reelay/runtime';
import { waitUntil } from '@reelay/runtime/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ADMIN_KEY, ALPHA_KEY, BETA_READER_KEY, type GatewayFixture, startGateway } from './gateway-fixture.js';

const TRACE_TEMPLATE = 'http://jaeger.test:16686/trace/{traceId}';
const SHOTS = process.env.REELAY_DASHBOARD_SCREENSHOTS;

// Gates the worker's jobs wait on, by name: the test opens them.
const gates = new Map<string, { open: () => void; opened: Promise<void> }>();
function gate(name: string) {
  let g = gates.get(name);
  if (!g) {
    let open: () => void = () => {};
    const opened = new Promise<void>((r) => {
      open = r;
    });
    g = { open, opened };
    gates.set(name, g);
  }
  return g;
}
const failures = new Map<string, number>();

const steps = defineTask({
  type: 'dash.steps',
  description: 'reports progress in steps, waiting on the test between them, then makes a video, an image and a sound',
  queue: 'dash',
  input: z.object({ gate: z.string(), media: z.boolean().default(false) }),
  output: z.object({ video: ArtifactRef.optional(), image: ArtifactRef.optional(), audio: ArtifactRef.optional() }),
  retry: { maxAttempts: 1 },
});
const echo = defineTask({
  type: 'dash.echo',
  description: 'answers with its input',
  queue: 'dash',
  input: z.object({ text: z.string().default('hi') }),
  output: z.object({ text: z.string() }),
});
const flaky = defineTask({
  type: 'dash.flaky',
  description: 'fails permanently its first `failTimes` runs for a key',
  queue: 'dash',
  input: z.object({ key: z.string(), failTimes: z.number().int().min(0), code: z.string().default('PROVIDER_ERROR') }),
  output: z.object({ ok: z.boolean() }),
  retry: { maxAttempts: 1 },
});

describe('dashboard in Chromium', () => {
  let gw: GatewayFixture;
  let worker: RunningWorker;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  let media: { video: string; image: string; audio: string };

  const submit = async (body: unknown, key = ALPHA_KEY) => {
    const res = await gw.call('/v1/jobs', { method: 'POST', key, json: body });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  };
  const job = async (id: string) =>
    (await (await gw.call(`/v1/jobs/${id}`)).json()) as { status: string; progress: number; traceId?: string };
  const waitStatus = (id: string, statuses: string[]) =>
    waitUntil(async () => {
      const j = await job(id);
      return statuses.includes(j.status) ? j : undefined;
    }, 20_000);
  const waitProgress = (id: string, pct: number) => waitUntil(async () => ((await job(id)).progress >= pct ? true : undefined), 20_000);
  const go = async (p: string) => {
    await page.goto(`${gw.url}/dashboard${p}`);
  };
  const shot = async (name: string, fullPage = true) => {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `dashboard-${name}.png`), fullPage });
  };
  const signIn = async (key: string) => {
    await go('/');
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  };
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
  };
  const confirmDialog = () => page.locator('dialog.confirm');
  const dialogText = async () => {
    await confirmDialog().waitFor();
    return confirmDialog().locator('p').textContent();
  };

  beforeAll(async () => {
    gw = await startGateway({ DASHBOARD_TRACE_URL_TEMPLATE: TRACE_TEMPLATE, AUTH_FAILURES_PER_MINUTE: '100' });
    // Real media for the previews: ffmpeg makes them once.
    const dir = gw.system.dir;
    media = { video: path.join(dir, 'clip.mp4'), image: path.join(dir, 'frame.png'), audio: path.join(dir, 'tone.wav') };
    const ff = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
    ff(['-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=10', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', media.video]);
    ff(['-f', 'lavfi', '-i', 'testsrc=size=320x180', '-frames:v', '1', media.image]);
    ff(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', media.audio]);

    worker = await runWorker({
      service: 'dash-worker',
      handleSignals: false,
      concurrency: 8,
      env: { NATS_URL: gw.system.nats.url, LOG_LEVEL: 'silent', ACK_WAIT_MS: '2000' },
      tasks: [
        implementTask(steps, async (input, ctx) => {
          ctx.progress(20, 'warming up');
          await Promise.race([gate(`${input.gate}:1`).opened, abortion(ctx.signal)]);
          ctx.progress(70, 'rendering');
          await Promise.race([gate(`${input.gate}:2`).opened, abortion(ctx.signal)]);
          if (!input.media) return {};
          return {
            video: await ctx.artifacts.putFile(media.video, { name: 'clip.mp4', contentType: 'video/mp4' }),
            image: await ctx.artifacts.putFile(media.image, { name: 'frame.png', contentType: 'image/png' }),
            audio: await ctx.artifacts.putFile(media.audio, { name: 'tone.wav', contentType: 'audio/wav' }),
          };
        }),
        implementTask(echo, async (input) => ({ text: input.text })),
        implementTask(flaky, async (input) => {
          const n = failures.get(input.key) ?? 0;
          failures.set(input.key, n + 1);
          if (n < input.failTimes) throw new PermanentError(`run ${n + 1} of ${input.key} fails`, { code: input.code });
          return { ok: true };
        }),
      ],
    });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu'], headless: true });
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} @ ${m.location().url}`);
    });
    page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
  }, 90_000);

  afterAll(async () => {
    for (const g of gates.values()) g.open();
    await browser?.close();
    await worker?.stop();
    await gw?.close();
  });

  it('serves the app at /dashboard/ (any path under it answers the page), with a strict CSP and year-long caching of hashed assets', async () => {
    const root = await fetch(`${gw.url}/`, { redirect: 'manual' });
    expect({ status: root.status, location: root.headers.get('location') }).toEqual({ status: 302, location: '/dashboard/' });
    const deep = await fetch(`${gw.url}/dashboard/jobs/01a2316a-1c20-7703-a163-388d347f8877`);
    expect(deep.status).toBe(200);
    expect(deep.headers.get('cache-control')).toBe('no-cache');
    const csp = deep.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await deep.text();
    const asset = html.match(/src="(\/dashboard\/assets\/[^"]+\.js)"/)?.[1];
    expect(asset).toBeDefined();
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script
    const js = await fetch(`${gw.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${gw.url}/dashboard/assets/..%2f..%2f..%2fpackage.json`)).headers.get('content-type')).toMatch(/text\/html/);
  });

  it('a wrong key is refused on the sign-in page and a right one becomes an HttpOnly, SameSite=Strict cookie, never stored in the page', async () => {
    await go('/');
    await page.getByLabel('API key').fill('not-a-key-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('UNAUTHENTICATED');
    // The refused sign-in's 401 is the one console line this file expects.
    expect(consoleErrors.splice(0).every((e) => e.includes('401') && e.includes('/v1/session'))).toBe(true);
    expect(await page.locator('table').count()).toBe(0);

    await signIn(ADMIN_KEY);
    const [cookie, ...others] = await context.cookies();
    expect(others).toEqual([]);
    expect(cookie).toMatchObject({ name: 'reelay_session', httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie?.value).not.toContain(ADMIN_KEY);
    expect(await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }))).toEqual({
      local: 0,
      session: 0,
      cookie: '',
    });
    expect(page.url()).not.toContain(ADMIN_KEY);
  });

  it('a request on the session cookie that changes something needs the CSRF token; from the page it carries it', async () => {
    const id = await submit({ type: 'dash.echo', input: { text: 'csrf' } });
    const statuses = await page.evaluate(async (jobId) => {
      const bare = await fetch(`/v1/jobs/${jobId}/cancel`, { method: 'POST' });
      const wrong = await fetch(`/v1/jobs/${jobId}/cancel`, { method: 'POST', headers: { 'x-csrf-token': 'forged' } });
      const read = await fetch(`/v1/jobs/${jobId}`);
      return [bare.status, wrong.status, read.status];
    }, id);
    expect(statuses).toEqual([403, 403, 200]);
    consoleErrors.splice(0); // the two refused requests, asked for above
  });

  it('the overview shows queues by band, the live worker with its slots, and throughput over time', async () => {
    for (let i = 0; i < 3; i++) await waitStatus(await submit({ type: 'dash.echo', input: { text: `t${i}` } }), ['succeeded']);
    const failed = await submit({ type: 'dash.flaky', input: { key: 'overview', failTimes: 1 } });
    await waitStatus(failed, ['failed']);
    await go('/');
    const queueRow = page.getByRole('region', { name: 'Queues' }).locator('tr', { hasText: /^dash/ });
    await queueRow.first().waitFor();
    const workerRow = page.getByRole('region', { name: 'Workers' }).locator('tr', { hasText: 'dash-worker' });
    await workerRow.waitFor();
    await expect(workerRow.textContent()).resolves.toMatch(/\d+\/8/);
    // Bars for the finished jobs (green) and the failure (red) are drawn.
    await page.locator('figure.chart', { hasText: 'Finished jobs' }).locator('rect').first().waitFor();
    await page.locator('figure.chart', { hasText: 'Failures' }).locator('rect').first().waitFor();
    await expect(page.locator('figure.chart', { hasText: 'Failures' }).textContent()).resolves.toMatch(/failed [1-9]/);
    await shot('overview');

    // Worker control: drained, the worker leaves a new job waiting; resumed, it runs it.
    await workerRow.getByRole('button', { name: 'Drain' }).click();
    await workerRow.getByText('draining').waitFor();
    const waiting = await submit({ type: 'dash.echo', input: { text: 'after drain' } });
    // It waits in the normal band (the queue table's fifth column), seen there on the page.
    await queueRow.first().locator('td:nth-child(5)', { hasText: /^1$/ }).waitFor();
    expect((await job(waiting)).status).toBe('queued');
    await workerRow.getByRole('button', { name: 'Resume' }).click();
    await waitStatus(waiting, ['succeeded']);
    await workerRow.getByText('running').waitFor();
    // Shutting a worker down asks first; declined, nothing happens.
    await workerRow.getByRole('button', { name: 'Shut down' }).click();
    await expect(dialogText()).resolves.toContain('Shut down worker dash-worker');
    await confirmDialog().getByRole('button', { name: 'Back' }).click();
    expect(worker.worker.status).toBe('running');
  });

  it('a running job’s progress moves on the jobs page and on its own page without a reload', async () => {
    const id = await submit({ type: 'dash.steps', input: { gate: 'live', media: true }, labels: { campaign: 'spring' } });
    await waitProgress(id, 20);
    await go('/jobs');
    const row = page.locator(`tr[data-job-id="${id}"]`);
    await row.getByText('20%').waitFor();
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    gate('live:1').open();
    await row.getByText('70%').waitFor();
    await shot('jobs');

    await row.getByRole('link').click();
    await page.getByRole('heading', { name: /dash\.steps/ }).waitFor();
    await page.getByRole('region', { name: 'Timeline' }).getByText('70% · rendering').waitFor();
    gate('live:2').open();
    await page
      .getByRole('heading', { name: /dash\.steps/ })
      .getByText('succeeded')
      .waitFor();
    // The previews load real media from the artifact store, on the session cookie.
    await page.waitForFunction(() => ((document.querySelector('.artifact video') as HTMLVideoElement | null)?.readyState ?? 0) >= 1);
    await page.waitForFunction(() => ((document.querySelector('.artifact img') as HTMLImageElement | null)?.naturalWidth ?? 0) === 320);
    await page.waitForFunction(() => ((document.querySelector('.artifact audio') as HTMLAudioElement | null)?.duration ?? 0) > 0.5);
    const { traceId } = await job(id);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    await expect(page.getByRole('link', { name: traceId as string }).getAttribute('href')).resolves.toBe(
      TRACE_TEMPLATE.replace('{traceId}', traceId as string),
    );
    const timeline = await page.getByRole('region', { name: 'Timeline' }).locator('tbody tr').allTextContents();
    // (A queued event may be missing: a worker that takes the job at once writes running first.)
    expect(timeline.join('\n')).toMatch(/running[\s\S]*20% · warming up[\s\S]*70% · rendering[\s\S]*succeeded/);
    // Only the click on the row navigated (a client-side route change, not a reload).
    expect(navigations.filter((u) => !u.includes(`/jobs/${id}`))).toEqual([]);
    await shot('job');
  });

  it('under "failed" the list shows failed jobs only: live updates neither add a running job nor keep one that stopped failing', async () => {
    const running = await submit({ type: 'dash.steps', input: { gate: 'filter' } });
    const dead = await submit({ type: 'dash.flaky', input: { key: 'filter', failTimes: 1 } });
    await waitStatus(dead, ['failed']);
    await waitProgress(running, 20);
    await go('/jobs');
    await page.locator(`tr[data-job-id="${running}"]`).waitFor();
    await page.getByLabel('Status').selectOption('failed');
    await page.locator(`tr[data-job-id="${dead}"]`).waitFor();
    expect(page.url()).toContain('status=failed');
    expect(await page.locator(`tr[data-job-id="${running}"]`).count()).toBe(0);
    gate('filter:1').open();
    await waitProgress(running, 70);
    gate('filter:2').open();
    await waitStatus(running, ['succeeded']);
    // The failed job is requeued elsewhere (API) and succeeds: its row leaves the view live.
    expect((await gw.call(`/v1/dlq/${dead}/requeue`, { method: 'POST', json: {} })).status).toBe(202);
    await page.locator(`tr[data-job-id="${dead}"]`).waitFor({ state: 'detached' });
    const statuses = await page.locator('tbody tr[data-status]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['failed']));
    expect(await page.locator(`tr[data-job-id="${running}"]`).count()).toBe(0);
  });

  it('jobs are searched by label and error code, with counts by state, and paged', async () => {
    await go('/jobs?label=campaign:spring');
    await page.locator('tbody tr[data-job-id]').first().waitFor();
    const labelled = await page.locator('tbody tr[data-job-id]').count();
    expect(labelled).toBe(1);
    await page.getByText('1 job matches the other filters').waitFor();
    await go('/jobs');
    await page.getByLabel('Error code').fill('provider_error');
    await page.getByLabel('Error code').press('Enter');
    await page.waitForURL(/errorCode=PROVIDER_ERROR/);
    await page.locator('tbody tr[data-job-id]').first().waitFor();
    const codes = await page.locator('tbody tr[data-job-id] td:nth-child(7)').allTextContents();
    expect(codes.length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set(['PROVIDER_ERROR']));
    // Paging: 60 jobs make two pages of 50 and 10-odd; Older then Newer come back to the first.
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => submit({ type: 'dash.echo', input: { text: `p${i}` }, labels: { run: 'paging' } })),
    );
    await go('/jobs?label=run:paging');
    await page.getByText('60 jobs match the other filters').waitFor();
    expect(await page.locator('tbody tr[data-job-id]').count()).toBe(50);
    const first = await page.locator('tbody tr[data-job-id]').first().getAttribute('data-job-id');
    await page.getByRole('button', { name: 'Older' }).click();
    await page.waitForURL(/cursor=/);
    await waitUntil(async () => ((await page.locator('tbody tr[data-job-id]').count()) === 10 ? true : undefined));
    await page.getByRole('button', { name: 'Newer' }).click();
    await waitUntil(async () => ((await page.locator('tbody tr[data-job-id]').count()) === 50 ? true : undefined));
    expect(await page.locator('tbody tr[data-job-id]').first().getAttribute('data-job-id')).toBe(first);
  });

  it('job actions: cancel asks first (and does nothing when declined), retry and requeue with edited input run the failed job again', async () => {
    const id = await submit({ type: 'dash.steps', input: { gate: 'cancel' } });
    await waitProgress(id, 20);
    await go(`/jobs/${id}`);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(dialogText()).resolves.toContain(`Cancel job ${id.slice(-8)}`);
    await page.keyboard.press('Escape');
    expect(await confirmDialog().isVisible()).toBe(false);
    expect((await job(id)).status).toBe('running');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await confirmDialog().getByRole('button', { name: 'Back' }).click();
    expect((await job(id)).status).toBe('running');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await confirmDialog().locator('button.danger').click();
    await page
      .getByRole('heading', { name: /dash\.steps/ })
      .getByText('cancelled')
      .waitFor();
    await waitStatus(id, ['cancelled']);

    // Retry: the failed job runs again from the dead-letter queue, same id.
    const failing = await submit({ type: 'dash.flaky', input: { key: 'retry', failTimes: 1 } });
    await waitStatus(failing, ['failed']);
    await go(`/jobs/${failing}`);
    await page.getByRole('region', { name: 'Failed attempts' }).getByText('run 1 of retry fails').waitFor();
    await page.getByRole('button', { name: 'Retry' }).click();
    await page
      .getByRole('heading', { name: /dash\.flaky/ })
      .getByText('succeeded')
      .waitFor();

    // Requeue with edited input: the first input fails every time; the edited one does not.
    const stubborn = await submit({ type: 'dash.flaky', input: { key: 'edit', failTimes: 99 } });
    await waitStatus(stubborn, ['failed']);
    await go(`/jobs/${stubborn}`);
    await page.getByText('Requeue with edited input').click();
    await page.getByLabel('Input (JSON)').fill(JSON.stringify({ key: 'edit', failTimes: 0 }));
    await page.getByRole('button', { name: 'Requeue', exact: true }).click();
    await page
      .getByRole('heading', { name: /dash\.flaky/ })
      .getByText('succeeded')
      .waitFor();
    await expect(page.getByLabel('Input', { exact: true }).textContent()).resolves.toContain('"failTimes": 0');
  });

  it('a workflow run is drawn as a graph coloured by state; retry runs it on from the failed step, cancel asks first', async () => {
    const res = await gw.call('/v1/workflows', {
      method: 'POST',
      key: ALPHA_KEY,
      json: {
        name: 'dash-pipeline',
        steps: [
          { id: 'prepare', type: 'dash.echo', input: { text: 'a' } },
          { id: 'check', type: 'dash.flaky', input: { key: 'wf', failTimes: 1 }, dependsOn: ['prepare'], maxAttempts: 1 },
          { id: 'left', type: 'dash.echo', input: { text: 'l' }, dependsOn: ['check'] },
          { id: 'right', type: 'dash.echo', input: { text: 'r' }, dependsOn: ['check'] },
        ],
      },
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await go('/workflows');
    await page.getByRole('link', { name: 'dash-pipeline' }).click();
    await page.locator('g.node[data-step="check"][data-status="failed"]').waitFor();
    expect(await page.locator('g.node[data-step="prepare"]').getAttribute('data-status')).toBe('succeeded');
    expect(await page.locator('g.node').count()).toBe(4);
    expect(await page.locator('.graph .edge').count()).toBe(3);
    await page.locator('.step-detail').getByText('run 1 of wf fails').waitFor();
    await shot('workflow');
    await page.getByRole('button', { name: 'Retry from check' }).click();
    await page.locator('g.node[data-step="right"][data-status="succeeded"]').waitFor();
    await page
      .getByRole('heading', { name: /dash-pipeline/ })
      .getByText('succeeded')
      .waitFor();
    // Keyboard: a step is chosen with Tab and Enter.
    await page.locator('g.node[data-step="left"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('.step-detail h2', { hasText: 'Step left' }).waitFor();

    const long = await gw.call('/v1/workflows', {
      method: 'POST',
      key: ALPHA_KEY,
      json: { name: 'dash-long', steps: [{ id: 'wait', type: 'dash.steps', input: { gate: 'wf-cancel' } }] },
    });
    const longId = ((await long.json()) as { id: string }).id;
    await go(`/workflows/${longId}`);
    await page.locator('g.node[data-step="wait"][data-status="running"]').waitFor();
    await page.getByRole('button', { name: 'Cancel workflow' }).click();
    await confirmDialog().locator('button.danger').click();
    await page
      .getByRole('heading', { name: /dash-long/ })
      .getByText('cancelled')
      .waitFor();
    expect(id).not.toBe(longId);
  });

  it('schedules are created, paused, resumed, triggered and (after confirming) deleted; delayed jobs and batches are listed', async () => {
    await go('/scheduling');
    await page.getByText('Create a schedule').click();
    await page.getByLabel('Id (optional)').fill('dash-hourly');
    await page.getByLabel('When: a cron expression, or every N seconds').fill('3600');
    await page.getByLabel('Task type').fill('dash.echo');
    await page.getByLabel('Input (JSON)').fill('{"text":"tick"}');
    await page.getByRole('button', { name: 'Create' }).click();
    const row = page.locator('tr[data-schedule="dash-hourly"]');
    await row.waitFor();
    await row.getByText(/^in \d/).waitFor(); // the next fire time, once the scheduler has computed it
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.getByText('paused').waitFor();
    await row.getByRole('button', { name: 'Resume' }).click();
    await row.getByText('active').waitFor();
    await row.getByRole('button', { name: 'Trigger now' }).click();
    await waitUntil(async () => {
      const r = await gw.call('/v1/jobs?type=dash.echo&limit=50');
      const { items } = (await r.json()) as { items: { labels?: Record<string, string>; status: string }[] };
      return items.some((j) => j.labels?.['reelay.schedule'] === 'dash-hourly' && j.status === 'succeeded') ? true : undefined;
    }, 20_000);

    const delayed = await submit({ type: 'dash.echo', input: { text: 'later' }, delayMs: 3_600_000 });
    const batch = await gw.call('/v1/batches', {
      method: 'POST',
      key: ALPHA_KEY,
      json: {
        items: [
          { type: 'dash.echo', input: { text: 'b1' } },
          { type: 'dash.echo', input: { text: 'b2' } },
        ],
      },
    });
    const batchId = ((await batch.json()) as { id: string }).id;
    await page.reload();
    const delayedRow = page.locator(`tr[data-job-id="${delayed}"]`);
    await delayedRow.getByText(/^in (59m|1h)/).waitFor();
    await page.locator(`tr[data-batch="${batchId}"]`).getByRole('cell', { name: '2', exact: true }).first().waitFor();
    await shot('schedules');
    await delayedRow.getByRole('button', { name: 'Cancel' }).click();
    await confirmDialog().locator('button.danger').click();
    await delayedRow.waitFor({ state: 'detached' });
    await waitStatus(delayed, ['cancelled']);

    await row.getByRole('button', { name: 'Delete' }).click();
    await expect(dialogText()).resolves.toContain('Delete schedule dash-hourly');
    await confirmDialog().locator('button.danger').click();
    await row.waitFor({ state: 'detached' });
    expect((await gw.call('/v1/schedules/dash-hourly')).status).toBe(404);
  });

  it('dead letters are grouped by error code and task type; a bulk discard states its count before it runs', async () => {
    for (const key of ['dl-1', 'dl-2'])
      await waitStatus(await submit({ type: 'dash.flaky', input: { key, failTimes: 9, code: 'BAD_MEDIA' } }), ['failed']);
    const other = await submit({ type: 'dash.flaky', input: { key: 'dl-3', failTimes: 9, code: 'QUOTA_GONE' } });
    await waitStatus(other, ['failed']);
    await go('/dead-letters');
    const group = page.locator('tr[data-group="BAD_MEDIA/dash.flaky"]');
    await group.getByRole('cell', { name: '2', exact: true }).waitFor();
    await page.locator('tr[data-group="QUOTA_GONE/dash.flaky"]').getByRole('cell', { name: '1', exact: true }).waitFor();
    await shot('dead-letters');
    await group.getByRole('button', { name: 'Discard all' }).click();
    await expect(dialogText()).resolves.toContain('Discard 2 dead letters with BAD_MEDIA from dash.flaky?');
    await confirmDialog().locator('button.danger').click();
    await group.waitFor({ state: 'detached' });
    await page.locator('tr[data-group="QUOTA_GONE/dash.flaky"]').waitFor();

    // One dead letter requeued from its row runs again: the worker sees its second run.
    await page.locator(`tr[data-job-id="${other}"]`).getByRole('button', { name: 'Requeue' }).click();
    await waitUntil(async () => (failures.get('dl-3') === 2 ? true : undefined), 20_000);
  });

  it('the tasks page lists the registered types with their schemas and the worker serving them', async () => {
    await go('/tasks');
    const row = page.locator('tr[data-task="dash.steps"]');
    await row.getByText('dash-worker').waitFor();
    await row.getByText('input / output').click();
    await expect(row.getByLabel('dash.steps input schema').textContent()).resolves.toContain('"gate"');
    await shot('tasks', false);
  });

  it('an admin reads the audit log newest first and filters it by action; a key without the admin scope gets neither the link nor the records', async () => {
    await signOut();
    await signIn(ALPHA_KEY);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).count()).toBe(0);
    await go('/audit');
    await page.getByText('it needs a key with the admin scope').waitFor();
    expect(await page.locator('tr[data-audit]').count()).toBe(0);
    // Something to find: alpha's key submits a delayed job and cancels it.
    const id = await submit({ type: 'dash.echo', input: { text: 'audited' }, delayMs: 3_600_000 });
    expect((await gw.call(`/v1/jobs/${id}/cancel`, { method: 'POST', key: ALPHA_KEY })).status).toBe(202);
    await signOut();
    await signIn(ADMIN_KEY);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    const cancel = page.locator('tr[data-action="job.cancel"]', { hasText: id });
    const submitted = page.locator('tr[data-action="job.submit"]', { hasText: id });
    await cancel.waitFor();
    await submitted.waitFor();
    expect(await cancel.textContent()).toContain('alpha');
    // Newest first: the cancel sits above the submit it followed.
    const seqOf = async (row: typeof cancel) => Number(await row.getAttribute('data-audit'));
    const rows = await page.locator('tbody tr[data-audit]').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-audit'))));
    expect(rows.indexOf(await seqOf(cancel))).toBeLessThan(rows.indexOf(await seqOf(submitted)));
    expect(rows).toEqual([...rows].sort((a, b) => b - a));
    await shot('audit', false);
    await page.getByLabel('Action').selectOption('job.cancel');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=job\.cancel/);
    await cancel.waitFor();
    await submitted.waitFor({ state: 'detached' });
    const actions = await page.locator('tbody tr[data-audit]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')));
    expect(new Set(actions)).toEqual(new Set(['job.cancel']));
  });

  it('another project’s key sees none of the first project’s jobs, workflows or dead letters', async () => {
    await signOut();
    await signIn(BETA_READER_KEY);
    await page.getByText('beta-reader · beta').waitFor();
    await go('/jobs');
    await page.getByText('No jobs match.').waitFor();
    await go('/dead-letters');
    await page.getByText('The dead-letter queue is empty.').waitFor();
    await go('/workflows');
    await page.getByText('No workflow runs.').waitFor();
    await go('/scheduling');
    await page.getByText('No batches.').waitFor();
    const alphaJob = await submit({ type: 'dash.echo', input: { text: 'secret' } });
    await go(`/jobs/${alphaJob}`);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('NOT_FOUND');
    consoleErrors.splice(0); // the 404 asked for above
    // A reading key is offered no actions.
    await go('/scheduling');
    await page.getByRole('heading', { name: 'Schedules' }).waitFor();
    expect(await page.getByRole('button', { name: 'Create' }).count()).toBe(0);
    await signOut();
    expect(await context.cookies()).toEqual([]);
  });

  it('at 420 px wide every page fits the screen: tables scroll inside their box, nothing is cut off', async () => {
    await signIn(ALPHA_KEY);
    await page.setViewportSize({ width: 420, height: 900 });
    for (const p of ['/', '/jobs', '/workflows', '/scheduling', '/dead-letters', '/tasks']) {
      await go(p);
      await page.locator('main h1').waitFor();
      await page.locator('table').first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect({ page: p, overflow }).toEqual({ page: p, overflow: 0 });
    }
    await go('/jobs');
    await page.locator('tbody tr[data-job-id]').first().waitFor();
    await shot('jobs-420', false);
    // The table's last column is reachable by scrolling its box.
    const box = page.getByRole('region', { name: 'Jobs' });
    const scrolled = await box.evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
      return { wider: el.scrollWidth > el.clientWidth, left: el.scrollLeft };
    });
    expect(scrolled.wider).toBe(true);
    expect(scrolled.left).toBeGreaterThan(0);
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('logged no console errors on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
}, 180_000);

function abortion(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
}

function chromiumPath(): string {
  for (const candidate of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  throw new Error('Chromium not found: run scripts/lib/ensure-tools.sh (apt-get install chromium) or set CHROMIUM_PATH');
}
