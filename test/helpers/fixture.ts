// The set-up most suites share: for one backend, a fresh database and a Dezi on it (and, when asked,
// a registered test zorgapplicatie), started before the suite's tests and stopped after them.
//
//   let dezi: TestDezi;
//   let rp: TestRp;
//   withDezi(backend, { rp: true }, (started) => ({ dezi, rp } = started));
//
// Hooks run in the order they are declared: a suite that needs something first (a fake upstream
// whose URL goes into the configuration) declares its own before() above withDezi and passes the
// configuration as a function.
import { after, before } from 'node:test';
import type { DeziConfig } from '../../src/config.ts';
import { openTestDatabase, startDezi, type Backend, type TestDezi } from './dezi.ts';
import { registerRp, type TestRp } from './rp.ts';

export interface DeziFixture {
  dezi: TestDezi;
  /** The test zorgapplicatie, when asked for with `rp: true`. */
  rp: TestRp;
}

export function withDezi(
  backend: Backend,
  o: {
    config?: Partial<DeziConfig> | (() => Partial<DeziConfig>);
    rp?: boolean;
  },
  started: (f: DeziFixture) => unknown,
): void {
  let database: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
  let dezi: TestDezi | undefined;
  before(async () => {
    database = await openTestDatabase(backend);
    const config = typeof o.config === 'function' ? o.config() : o.config;
    dezi = await startDezi({ db: database.db, config });
    const rp = o.rp ? await registerRp(dezi.url) : (undefined as unknown as TestRp);
    await started({ dezi, rp });
  });
  after(async () => {
    await dezi?.stop();
    await database?.close();
  });
}
