import { describe, expect, it } from 'vitest';
import { BookPresetBody, BookTarget } from '../tasks/book.js';
import { AiVideoPresetBody, ReelPresetBody, ReelTarget, SubmitWorkflowBody } from './workflows.js';

const book = {
  preset: 'book',
  title: 'Octopuses',
  chapters: 2,
  sources: [{ id: 'S1', title: 'Notes', text: 'Octopuses have three hearts.' }],
};

describe('preset bodies', () => {
  it('the reel and ai-video presets fill the fields they share with the same defaults, and each its own length and captions', () => {
    const reel = ReelPresetBody.parse({ preset: 'reel', topic: 'octopus hearts' });
    const video = AiVideoPresetBody.parse({ preset: 'ai-video', topic: 'octopus hearts' });
    const shared = { topic: 'octopus hearts', targets: [], resolution: '1080p', music: true, thumbnails: 3 };
    expect(reel).toMatchObject({ ...shared, targetSeconds: 20, captions: 'words', platforms: ['tiktok'], cards: true });
    expect(video).toMatchObject({ ...shared, targetSeconds: 30, captions: 'sentences', aspect: '16:9' });
  });

  it('every preset refuses the same bad name and project, and a field of another preset', () => {
    const bodies = [{ preset: 'reel', topic: 'octopus hearts' }, { preset: 'ai-video', topic: 'octopus hearts' }, book];
    const schemas = [ReelPresetBody, AiVideoPresetBody, BookPresetBody];
    for (const [i, schema] of schemas.entries()) {
      const body = bodies[i];
      expect(schema.safeParse({ ...body, project: 'alpha_1', name: 'run' }).success, `${body?.preset} ok`).toBe(true);
      expect(schema.safeParse({ ...body, project: 'alpha.1' }).error?.issues[0]?.message).toBe('letters, digits, - and _ only');
      expect(schema.safeParse({ ...body, name: '' }).success, `${body?.preset} empty name`).toBe(false);
    }
    expect(AiVideoPresetBody.safeParse({ preset: 'ai-video', topic: 'octopus hearts', platforms: ['tiktok'] }).success).toBe(false);
    expect(ReelPresetBody.safeParse({ preset: 'reel', topic: 'octopus hearts', aspect: '1:1' }).success).toBe(false);
  });

  it('a submitted body is told apart by its preset, and a spec without one is a plain workflow', () => {
    expect(SubmitWorkflowBody.parse({ preset: 'ai-video', topic: 'octopus hearts' })).toMatchObject({
      preset: 'ai-video',
      targetSeconds: 30,
    });
    expect(SubmitWorkflowBody.parse(book)).toMatchObject({ preset: 'book', batchSize: 4 });
    expect(SubmitWorkflowBody.parse({ steps: [{ id: 'a', type: 'system.noop' }] })).not.toHaveProperty('preset');
  });
});

describe('publish targets', () => {
  it('the book takes the reel’s folder and webhook targets, but not a folder file name (a book is three files)', () => {
    const webhook = { type: 'webhook', url: 'https://hooks.example.com/reelay', account: 'main' };
    expect(BookTarget.parse(webhook)).toEqual(ReelTarget.parse(webhook));
    expect(BookTarget.parse({ type: 'folder', dir: '/srv/books' })).toEqual({ type: 'folder', dir: '/srv/books', overwrite: false });
    expect(ReelTarget.parse({ type: 'folder', dir: '/srv/reels', fileName: 'a.mp4' })).toMatchObject({ fileName: 'a.mp4' });
    expect(BookTarget.safeParse({ type: 'folder', dir: '/srv/books', fileName: 'a.pdf' }).success).toBe(false);
  });

  it('both refuse unknown fields, a webhook that is not http(s), an empty folder and the platforms only a reel publishes to', () => {
    for (const target of [ReelTarget, BookTarget]) {
      expect(target.safeParse({ type: 'folder', dir: '/srv', extra: 1 }).success).toBe(false);
      expect(target.safeParse({ type: 'folder', dir: '' }).success).toBe(false);
      expect(target.safeParse({ type: 'webhook', url: 'ftp://example.com/x' }).success).toBe(false);
    }
    expect(ReelTarget.parse({ type: 'youtube' })).toEqual({ type: 'youtube', privacyStatus: 'private' });
    expect(BookTarget.safeParse({ type: 'youtube' }).success).toBe(false);
  });
});
