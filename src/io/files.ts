import { stat } from 'node:fs/promises';
import { ClusterkitError } from '../core/errors.js';

/**
 * Check that `path` names a readable regular file and return its size in bytes.
 * Throws BAD_FILE naming the path when it is missing, a directory, or unreadable.
 */
export async function fileSize(path: string, where: string): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new ClusterkitError('BAD_FILE', `${where}: '${path}' must be a regular file. Got a ${s.isDirectory() ? 'directory' : 'special file'}.`);
    return s.size;
  } catch (e) {
    if (e instanceof ClusterkitError) throw e;
    throw fileError(e, path, where);
  }
}

/** Turn a Node fs error into BAD_FILE naming the path and the reason. */
export function fileError(e: unknown, path: string, where: string): ClusterkitError {
  if (e instanceof ClusterkitError) return e;
  const code = (e as { code?: string }).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'a directory' : String((e as Error).message ?? e);
  return new ClusterkitError('BAD_FILE', `${where}: file '${path}' must exist and be readable. Got ${why}.`);
}

/** Lower-case extension of the path including the dot ('' when none). */
export function extension(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const i = base.lastIndexOf('.');
  return i > 0 ? base.slice(i).toLowerCase() : '';
}
