// Directories Dezi keeps files in (the embedded database under DEZI_DATA_DIR, the proeftuin's secret):
// created on first start with any missing parents, private to Dezi's user (0700). When that cannot
// be done, one clear line says which directory and why, instead of a bare ENOENT from mkdir.
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DeziError } from '../errors.ts';

export class DataDirectoryError extends DeziError {
  override name = 'DataDirectoryError';
}

/** Creates dir and its missing parents (mode 0700) unless it exists; a DataDirectoryError when that
 * cannot be done or dir cannot be written to. `what` names it in the message ("the data directory"). */
export function ensureDirectory(dir: string, what: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new DataDirectoryError(`cannot create ${what} ${dir}: ${reason(dir, err)}`, { cause: err });
  }
  try {
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new DataDirectoryError(`cannot write to ${what} ${dir}: ${reason(dir, err)}`, { cause: err });
  }
}

function reason(dir: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    const file = notADirectory(dir);
    return file ? `${file} is a file, not a directory` : 'a file is in the way';
  }
  if (code === 'EACCES' || code === 'EPERM') return "permission denied for Dezi's user";
  if (code === 'EROFS') return 'the file system is read-only';
  return (err as Error).message;
}

/** The nearest of dir and its parents that exists but is not a directory. */
function notADirectory(dir: string): string | null {
  for (let path = dir; ; path = dirname(path)) {
    try {
      return statSync(path).isDirectory() ? null : path;
    } catch {
      // Not there (or not reachable): look one level up.
    }
    if (dirname(path) === path) return null;
  }
}
