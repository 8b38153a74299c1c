// A restart in the middle of a login loses nothing: sessions, interactions, the broker's transaction
// and the means' artifact all live in the database.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { Browser, radioValues } from './helpers/browser.ts';
import { BACKENDS, freePort, startDezi, testDatabaseConfig, type TestDezi } from './helpers/dezi.ts';
import { fetchUserinfo, redeem, registerRp } from './helpers/rp.ts';
import { startLogin } from './helpers/login.ts';
import type { DatabaseConfig } from '../src/config.ts';

const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!;

for (const backend of BACKENDS) {
  describe(`restart in the middle of a login (${backend})`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    after(async () => {
      for (const c of cleanups.reverse()) await c();
    });

    async function database(): Promise<DatabaseConfig> {
      if (backend === 'pglite') {
        // A data directory, not memory: the second process opens what the first one wrote.
        const dir = mkdtempSync(join(tmpdir(), 'dezi-restart-'));
        cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
        return { kind: 'pglite', dataDir: dir };
      }
      const { config, drop } = await testDatabaseConfig('postgres');
      cleanups.push(drop);
      return config;
    }

    test('the login completes after the server restarts, at each step', async () => {
      const db = await database();
      const port = await freePort();
      let dezi: TestDezi = await startDezi({ database: db, port });
      const restart = async () => {
        await dezi.stop();
        dezi = await startDezi({ database: db, port });
      };
      cleanups.push(() => dezi.stop());

      const rp = await registerRp(dezi.url);
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp);
      assert.match(page.body, /Hoe wilt u inloggen\?/);

      await restart(); // after the authorization request
      const digid = await browser.submit(page, '/means', { means: 'digid' }, rp.redirectUri);
      assert.equal(digid.status, 200);

      await restart(); // while the person is at DigiD
      const choice = await browser.submit(
        digid,
        '/proeftuin/digid/authenticate',
        { bsn: AMRANI.bsn, action: 'login' },
        rp.redirectUri,
      );
      assert.equal(choice.status, 200);
      assert.match(choice.body, /Waar werk je\? Wat ben je\?/);

      await restart(); // at the choice of employment
      const radios = radioValues(choice.body, 'employment');
      const done = await browser.submit(choice, '/kies', { employment: radios[0]! }, rp.redirectUri);
      assert.equal(done.status, 303);

      await restart(); // before the code is redeemed
      const tokens = await redeem(rp, done.location!, request);
      await restart(); // before userinfo
      const info = await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub);
      assert.equal(info.verklaring.dezi_nummer, AMRANI.deziNummer);
      assert.equal(info.verklaring.achternaam, 'Amrani');
    });
  });
}
