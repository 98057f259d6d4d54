import { defineTask, ref, type TaskOutput, taskMap } from '@reelay/contracts';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { JobHandle } from './job-handle.js';
import type { BatchItem, TypedJob } from './job-types.js';
import { createClient } from './reelay-client.js';
import type { ClientTasks } from './task-typing.js';
import { workflow } from './workflow-builder.js';

/**
 * Compile-time tests: `pnpm --filter @reelay/sdk typecheck` checks this file (vitest does
 * not run it). Each `@ts-expect-error` is an assertion too: when the line it guards
 * compiles, tsc fails with "Unused '@ts-expect-error' directive". Nothing here is called.
 */

const resize = defineTask({
  type: 'acme.resize',
  description: 'Resizes an image.',
  queue: 'acme',
  input: z.object({ url: z.url(), width: z.number().int().default(640) }),
  output: z.object({
    path: z.string(),
    width: z.number(),
    caption: z.string().optional(),
    meta: z.object({ bytes: z.number(), tags: z.array(z.string()) }),
  }),
});
const quote = defineTask({
  type: 'acme.quote',
  description: 'Prices an order.',
  queue: 'acme',
  input: z.object({ sku: z.string(), qty: z.number().int().positive() }),
  output: z.object({ totalCents: z.number().int(), currency: z.enum(['EUR', 'USD']) }),
});
const myTasks = taskMap(resize, quote);
type ResizeOutput = { path: string; width: number; caption?: string | undefined; meta: { bytes: number; tags: string[] } };

const options = { baseUrl: 'http://127.0.0.1:8080', apiKey: 'k' };

describe('task maps', () => {
  it('taskMap keys each definition by its literal type', () => {
    expectTypeOf<keyof typeof myTasks>().toEqualTypeOf<'acme.resize' | 'acme.quote'>();
    expectTypeOf(myTasks['acme.quote'].type).toEqualTypeOf<'acme.quote'>();
  });
});

describe('a client typed by a task map', () => {
  const client = createClient({ ...options, tasks: myTasks });

  it('types input and result from the schemas, from a value or a type argument', async () => {
    const job = await client.submit('acme.resize', { url: 'https://example.com/a.png' });
    expectTypeOf(job).toEqualTypeOf<JobHandle<'acme.resize', ClientTasks<typeof myTasks>>>();
    expectTypeOf(await job.result()).toEqualTypeOf<ResizeOutput>();
    expectTypeOf((await job.get()).input).toEqualTypeOf<{ url: string; width?: number | undefined }>();

    const byType = createClient<typeof myTasks>(options);
    const priced = await byType.submit('acme.quote', { sku: 'A-1', qty: 2 }, { priority: 8 });
    expectTypeOf(await priced.result()).toEqualTypeOf<{ totalCents: number; currency: 'EUR' | 'USD' }>();
    for await (const event of priced.events())
      expectTypeOf(event.job.result).toEqualTypeOf<{ totalCents: number; currency: 'EUR' | 'USD' } | undefined>();
  });

  it('takes a plain `as const` map too', async () => {
    const plain = createClient({ ...options, tasks: { 'acme.resize': resize } as const });
    expectTypeOf(await (await plain.submit('acme.resize', { url: 'https://x.test/a', width: 10 })).result()).toEqualTypeOf<ResizeOutput>();
  });

  it('refuses inputs the schemas refuse', async () => {
    // @ts-expect-error — width is a number
    await client.submit('acme.resize', { url: 'https://x.test/a', width: '640' });
    // @ts-expect-error — url is required
    await client.submit('acme.resize', { width: 640 });
    // @ts-expect-error — no such field
    await client.submit('acme.quote', { sku: 'A-1', qty: 1, txt: 1 });
  });

  it('refuses task types nobody defined', async () => {
    // @ts-expect-error — not a built-in type and not in the map
    await client.submit('acme.rezise', { url: 'https://x.test/a' });
  });

  it('keeps the built-in types, typed as before', async () => {
    const job = await client.submit('system.sleep', { ms: 10 });
    expectTypeOf(await job.result()).toEqualTypeOf<TaskOutput<'system.sleep'>>();
    // @ts-expect-error — ms is a number
    await client.submit('system.sleep', { ms: 'soon' });
  });

  it('types batch items by their type', async () => {
    const item: BatchItem<ClientTasks<typeof myTasks>> = { type: 'acme.quote', input: { sku: 'A', qty: 1 } };
    await client.submitBatch([item, { type: 'system.noop', input: {} }]);
    // @ts-expect-error — an acme.quote input under acme.resize
    const wrong: BatchItem<ClientTasks<typeof myTasks>> = { type: 'acme.resize', input: { sku: 'A', qty: 1 } };
    expectTypeOf(wrong).not.toBeNever();
  });

  it('names job shapes with the map as a second type argument', () => {
    expectTypeOf<TypedJob<'acme.quote', typeof myTasks>['input']>().toEqualTypeOf<{ sku: string; qty: number }>();
    expectTypeOf<TypedJob<'system.sleep'>['result']>().toEqualTypeOf<TaskOutput<'system.sleep'> | undefined>();
  });
});

describe('a client without a task map', () => {
  const client = createClient(options);

  it('submits built-in types and refuses any other', async () => {
    expectTypeOf(await (await client.submit('system.noop', {})).result()).toEqualTypeOf<TaskOutput<'system.noop'>>();
    // @ts-expect-error — custom types need the client's `tasks` (or submitRaw)
    await client.submit('acme.resize', { url: 'https://x.test/a' });
    await client.submitRaw({ type: 'acme.resize', input: { url: 'https://x.test/a' } });
  });
});

describe('the typed workflow builder', () => {
  const wf = () => workflow({ name: 'demo', tasks: myTasks });

  it('accepts custom and built-in steps and passes results on with ref', () => {
    const spec = wf()
      .step('resize', 'acme.resize', { url: 'https://x.test/a' })
      .step('read', 'ai.tts', { text: ref('resize', 'caption') })
      .step('price', 'acme.quote', { sku: ref('resize', 'meta.tags.0'), qty: ref('resize', 'meta.bytes') })
      .step('wait', 'system.sleep', { ms: ref('price', 'totalCents') }, { dependsOn: ['read'], priority: 9 })
      .step('done', 'system.noop')
      .onError('system.noop', {})
      .build();
    expectTypeOf(spec.steps[0]!.type).toEqualTypeOf<string>();
  });

  it('refuses a step input its schema refuses', () => {
    // @ts-expect-error — `{txt: 1}` is not an acme.quote input
    wf().step('a', 'acme.quote', { txt: 1 });
    // @ts-expect-error — unknown task type
    wf().step('a', 'acme.nope', {});
    // @ts-expect-error — acme.resize's input is required
    wf().step('a', 'acme.resize');
  });

  it('refuses refs to steps not declared before', () => {
    // @ts-expect-error — no step `zzz`
    wf().step('a', 'ai.tts', { text: ref('zzz', 'path') });
    // @ts-expect-error — `b` is declared after `a`: a ref reads upstream steps only
    const early = wf().step('a', 'ai.tts', { text: ref('b', 'path') });
    early.step('b', 'acme.resize', { url: 'https://x.test/a' });
    const resized = wf().step('r', 'acme.resize', { url: 'https://x.test/a' });
    // @ts-expect-error — a hand-written `$ref` is not checked, so the typed builder refuses it
    resized.step('a', 'ai.tts', { text: { $ref: 'r.result.path' } });
  });

  it('refuses ref paths the output does not have, and values that do not fit', () => {
    const resized = wf().step('r', 'acme.resize', { url: 'https://x.test/a' });
    resized.step('ok', 'ai.tts', { text: ref('r', 'path') });
    // @ts-expect-error — acme.resize has no `pth`
    resized.step('a', 'ai.tts', { text: ref('r', 'pth') });
    // @ts-expect-error — width is a number; text wants a string
    resized.step('a', 'ai.tts', { text: ref('r', 'width') });
    // @ts-expect-error — the whole result is an object, not a string
    resized.step('a', 'ai.tts', { text: ref('r') });
    // @ts-expect-error — `ref('r')` is the whole result (an object), whatever the slot would take
    resized.step('a', 'system.sleep', { ms: ref('r') });
    resized.step('a', 'system.sleep', { ms: ref('r', 'width') });
    // @ts-expect-error — a path known only at run time cannot be checked
    resized.step('a', 'ai.tts', { text: ref('r', String(Date.now())) });
  });

  it('checks refs to built-in outputs, arrays included', () => {
    const voiced = wf().step('tts', 'ai.tts', { text: 'Hello.' });
    voiced.step('captions', 'ai.captions', { sentences: ref('tts', 'sentences') });
    voiced.step('thumbs', 'media.thumbnails', { artifactId: ref('tts', 'audio.id'), count: 3 });
    voiced.step('read', 'ai.tts', { text: ref('tts', 'sentences.0.text') });
    expectTypeOf(ref('tts', 'audio.id')).toExtend<{ $ref: string }>();
    // @ts-expect-error — audio is an ArtifactRef; artifactId wants its id
    voiced.step('thumbs', 'media.thumbnails', { artifactId: ref('tts', 'audio') });
  });

  it('types a pipeline of built-in steps end to end', () => {
    workflow({ name: 'reel' })
      .step('script', 'ai.script', { topic: 'octopus hearts' })
      .step('tts', 'ai.tts', { script: ref('script') })
      .step('captions', 'ai.captions', { sentences: ref('tts', 'sentences') })
      .step('thumbs', 'media.thumbnails', { artifactId: ref('tts', 'audio.id'), count: 3 })
      .step('tags', 'ai.hashtags', { text: ref('script', 'title') })
      .step('wait', 'system.sleep', { ms: ref('tts', 'durationSec') })
      .step('done', 'system.noop', {}, { dependsOn: ['captions', 'thumbs', 'tags', 'wait'] })
      .build();
  });

  it('refuses a duplicate step id and a dependsOn on an undeclared step', () => {
    const one = wf().step('a', 'system.noop');
    // @ts-expect-error — `a` is declared already
    one.step('a', 'system.noop');
    // @ts-expect-error — dependsOn names earlier steps only
    one.step('b', 'system.noop', {}, { dependsOn: ['c'] });
  });

  it('is typed from the client too', () => {
    const client = createClient({ ...options, tasks: myTasks });
    client.workflow().step('q', 'acme.quote', { sku: 'A', qty: 1 });
    // @ts-expect-error — qty is a number
    client.workflow().step('q', 'acme.quote', { sku: 'A', qty: '1' });
  });
});
