// Runs the `dezi` command line as an operator does: a child process with its own data directory
// (PGlite there), removed after the suite.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { TEST_SECRET } from './dezi.ts';

const run = promisify(execFile);
const MAIN = join(import.meta.dirname, '..', '..', 'src', 'main.ts');

export interface CliSandbox {
  /** The data directory (DEZI_DATA_DIR); PGlite keeps its files in `pgdata` below it. */
  dir: string;
  /** Runs `dezi ARGS…`; rejects with the exit code and stderr when it fails. */
  dezi(...args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** The same, with extra environment for this one run. */
  deziWith(env: Record<string, string>, ...args: string[]): Promise<{ stdout: string; stderr: string }>;
}

/** Call inside a describe(): the directory is removed after that suite. */
export function cliSandbox(
  prefix: string,
  extraEnv: Record<string, string> = {},
  timeoutMs = 60_000,
): CliSandbox {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = {
    ...process.env,
    DEZI_DATA_DIR: dir,
    DEZI_SECRET: TEST_SECRET.toString('hex'),
    DATABASE_URL: '',
    ...extraEnv,
  };
  const deziWith = (more: Record<string, string>, ...args: string[]) =>
    run(process.execPath, [MAIN, ...args], { env: { ...env, ...more }, timeout: timeoutMs });
  return { dir, deziWith, dezi: (...args) => deziWith({}, ...args) };
}
