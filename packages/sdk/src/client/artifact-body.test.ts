import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { toRequestBody } from './artifact-body.js';

async function bytesOf(body: ReturnType<typeof toRequestBody>): Promise<string> {
  return new TextDecoder().decode(await new Response(body).arrayBuffer());
}

describe('toRequestBody', () => {
  it('streams a Node Readable chunk by chunk as a web ReadableStream', async () => {
    const body = toRequestBody(Readable.from([Buffer.from('hello '), Buffer.from('artifact')]));
    expect(body).toBeInstanceOf(ReadableStream);
    expect(await bytesOf(body)).toBe('hello artifact');
  });

  it('passes bytes, Blobs and web streams through unchanged', async () => {
    const bytes = new TextEncoder().encode('abc');
    const blob = new Blob(['def']);
    const stream = new Blob(['ghi']).stream();
    expect(toRequestBody(bytes)).toBe(bytes);
    expect(toRequestBody(blob)).toBe(blob);
    expect(toRequestBody(stream)).toBe(stream);
    expect(await bytesOf(toRequestBody(bytes))).toBe('abc');
  });

  it('refuses a value that is not bytes', () => {
    expect(() => toRequestBody('a path string' as never)).toThrow(TypeError);
  });
});
