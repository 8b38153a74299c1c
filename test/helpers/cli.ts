// Runs the `dezi` command line as an operator does: a child process with its own data directory
// (PGlite there), removed after the suite.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { freePort, TEST_SECRET } from './dezi.ts';

const run = promisify(execFile);
const MAIN = join(import.meta.dirname, '..', '..', 'src', 'main.ts');

export interface CliSandbox {
  /** The data directory (DEZI_DATA_DIR); PGlite keeps its files in `pgdata` below it. */
  dir: string;
  /** Runs `dezi ARGS…`; rejects with the exit code and stderr when it fails. */
  dezi(...args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** The same, with extra environment for this one run. */
  deziWith(env: Record<string, string>, ...args: string[]): Promise<{ stdout: string; stderr: string }>;
  /**
   * Runs `dezi start` (on free loopback ports) until it serves, then stops it with SIGTERM, or until
   * it exits by itself: whether it came up, its exit code, and what it wrote to stdout and stderr.
   */
  start(env?: Record<string, string>): Promise<StartOutcome>;
}

export interface StartOutcome {
  started: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
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
  const start = async (more: Record<string, string> = {}): Promise<StartOutcome> => {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN, 'start'], {
      env: {
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DEZI_UZI_PAS_PORT: String(await freePort()),
        ...more,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (d) => (out.stdout += d));
    child.stderr.on('data', (d) => (out.stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let started = false;
    const deadline = Date.now() + timeoutMs;
    while (child.exitCode === null && Date.now() < deadline) {
      if (out.stdout.includes('Dezi draait')) {
        started = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (child.exitCode === null) child.kill('SIGTERM');
    const code = await exited;
    return { started, code, ...out };
  };
  return { dir, deziWith, dezi: (...args) => deziWith({}, ...args), start };
}
