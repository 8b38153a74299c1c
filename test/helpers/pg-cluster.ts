// A throwaway PostgreSQL cluster of the test's own (initdb + pg_ctl, own port and data directory),
// so that a test may stop and start its server without disturbing any other test. Run as root, the
// server runs as the postgres user, as PostgreSQL requires.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './dezi.ts';

const run = promisify(execFile);

/** The newest PostgreSQL server binaries on this machine (Debian layout), or null. */
export function postgresBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

export class ThrowawayPostgres {
  readonly url: string;
  readonly #bin: string;
  readonly #dir: string;
  readonly #port: number;

  private constructor(bin: string, dir: string, port: number) {
    this.#bin = bin;
    this.#dir = dir;
    this.#port = port;
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  async #as(cmd: string, args: string[]): Promise<void> {
    const asRoot = process.getuid?.() === 0;
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(this.#bin, cmd), ...args]]
      : [join(this.#bin, cmd), args];
    await run(file, argv, { timeout: 60_000 });
  }

  static async create(): Promise<ThrowawayPostgres> {
    const bin = postgresBinaries();
    if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
    const dir = mkdtempSync(join(tmpdir(), 'dezi-pg-'));
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const pg = new ThrowawayPostgres(bin, dir, await freePort());
    await pg.#as('initdb', [
      '-D',
      join(dir, 'data'),
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    await pg.start();
    return pg;
  }

  async start(): Promise<void> {
    await this.#as('pg_ctl', [
      'start',
      '-w',
      '-D',
      join(this.#dir, 'data'),
      '-l',
      join(this.#dir, 'log'),
      '-o',
      `-p ${this.#port} -c listen_addresses=127.0.0.1 -k ${this.#dir} -c fsync=off`,
    ]);
  }

  /** Fast shutdown: open connections are cut, as when the server goes down. */
  async stop(): Promise<void> {
    await this.#as('pg_ctl', ['stop', '-w', '-m', 'fast', '-D', join(this.#dir, 'data')]);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
