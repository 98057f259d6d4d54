import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode } from '@reelay/contracts';
import { PermanentError } from '@reelay/runtime';

/**
 * Where publish.folder may write: only under PUBLISH_FOLDER_ROOTS, checked on real paths
 * (symlinks resolved) so neither `..` nor a link inside a root leads out of it; file
 * names are one path segment, never a path.
 */
export async function resolveTarget(roots: string[], directory: string, fileName: string): Promise<{ dir: string; file: string }> {
  if (roots.length === 0) {
    throw new PermanentError('publish.folder is disabled: PUBLISH_FOLDER_ROOTS lists no directories', { code: ErrorCode.PERMANENT });
  }
  if (!path.isAbsolute(directory)) throw new PermanentError(`directory must be absolute: ${directory}`, { code: ErrorCode.INVALID_INPUT });
  const name = sanitizeFileName(fileName);
  const wanted = path.resolve(directory);
  const realRoots = await Promise.all(roots.map((r) => realpath(r).catch(() => undefined)));
  const lexicalRoot = roots.find((r) => isInside(path.resolve(r), wanted));
  if (!lexicalRoot) throw outside(directory);
  await mkdir(wanted, { recursive: true });
  const dir = await realpath(wanted);
  if (!realRoots.some((root) => root !== undefined && isInside(root, dir))) throw outside(directory);
  return { dir, file: path.join(dir, name) };
}

/** One safe path segment: separators and `..` are refused; control and reserved characters replaced. */
export function sanitizeFileName(raw: string): string {
  if (/[/\\]/.test(raw) || raw === '.' || raw === '..' || raw.includes('\0')) {
    throw new PermanentError(`file name must be a single name, not a path: ${JSON.stringify(raw)}`, { code: ErrorCode.INVALID_INPUT });
  }
  // Control characters (< 0x20, 0x7f) and characters Windows/SMB shares reserve become '_'.
  const cleaned = [...raw]
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || '<>:"|?*'.includes(c) ? '_' : c))
    .join('')
    .replace(/^\.+/, '_')
    .trim();
  if (!cleaned) throw new PermanentError('file name is empty after sanitizing', { code: ErrorCode.INVALID_INPUT });
  return cleaned.slice(0, 255);
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (rel.split(path.sep)[0] !== '..' && !path.isAbsolute(rel));
}

function outside(directory: string): PermanentError {
  return new PermanentError(`directory ${directory} is not under PUBLISH_FOLDER_ROOTS`, { code: ErrorCode.FORBIDDEN_ADDRESS });
}
