import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Start-up check that ffmpeg and ffprobe run at all. A worker without them would take
 * every media job and fail it; better to refuse to start with a line that says what to
 * install.
 */
export async function missingTools(tools: { ffmpegPath: string; ffprobePath: string }): Promise<string[]> {
  const problems: string[] = [];
  for (const [name, bin, variable] of [
    ['ffmpeg', tools.ffmpegPath, 'FFMPEG_PATH'],
    ['ffprobe', tools.ffprobePath, 'FFPROBE_PATH'],
  ] as const) {
    try {
      await run(bin, ['-hide_banner', '-version'], { timeout: 10_000 });
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (err as Error).message.split('\n')[0];
      problems.push(`${name} ${reason} at "${bin}" (${variable}); install it with \`apt-get install ffmpeg\` or set ${variable}`);
    }
  }
  return problems;
}
