import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { contentTypeFor } from '../content-type.js';
import { renderKeyValues } from '../format/table.js';
import { formatBytes } from '../format/units.js';
import { byteRange } from '../option-parsers.js';
import { UsageError } from '../usage-error.js';

/** `upload` and `download`: files in and out of the artifact store, streamed, never held in memory. */
export function registerArtifactCommands(program: Command, ctx: CliContext): void {
  program
    .command('upload')
    .description('upload a file to the artifact store; prints its artifact id')
    .argument('<file>', 'path of the file')
    .option('--name <name>', 'name to keep (default: the file name)')
    .option('--project <name>', 'project the artifact belongs to')
    .option('--content-type <type>', 'override the type guessed from the extension')
    .action(async (file: string, flags: { name?: string; project?: string; contentType?: string }) => {
      const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
        throw new UsageError(`cannot read ${file}: ${err.code ?? err.message}`);
      });
      if (!info.isFile()) throw new UsageError(`${file} is not a file`);
      const ref = await ctx.client().uploadArtifact(createReadStream(file), {
        name: flags.name ?? path.basename(file),
        project: flags.project,
        contentType: flags.contentType ?? contentTypeFor(file),
      });
      ctx.out().result(
        ref,
        () =>
          renderKeyValues([
            ['id', ref.id],
            ['name', ref.name],
            ['size', formatBytes(ref.size)],
            ['type', ref.contentType],
            ['project', ref.project],
            ['sha256', ref.sha256],
          ]),
        () => [ref.id],
      );
    });

  program
    .command('download')
    .description('download an artifact (or a byte range of it) to a file')
    .argument('<id>', 'artifact id')
    .argument('<file>', 'where to write it')
    .option('--range <start-end>', 'only these bytes (inclusive), e.g. 0-1023', byteRange)
    .action(async (id: string, file: string, flags: { range?: { start: number; end?: number } }) => {
      const download = await ctx.client().downloadArtifact(id, { range: flags.range });
      // The download is only written under its name once complete: no half files on failure.
      const partial = `${file}.part-${process.pid}`;
      const source = Readable.fromWeb(download.body as NodeWebReadableStream<Uint8Array>);
      try {
        await pipeline(source, createWriteStream(partial));
        await rename(partial, file);
      } catch (err) {
        await rm(partial, { force: true });
        throw err;
      }
      const size = (await stat(file)).size;
      ctx
        .out()
        .result(
          { id, file, bytes: size, status: download.status, contentType: download.contentType, contentRange: download.contentRange },
          () => `wrote ${formatBytes(size)} to ${file}${download.contentRange ? ` (${download.contentRange})` : ''}`,
        );
    });
}
