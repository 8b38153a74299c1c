// Mitz in the proeftuin and on its own: the test citizens have their choices from the first start
// (once, however often Dezi starts), the proeftuin page explains the closed question with a curl
// example, and `dezi start --only mitz` serves Mitz without the rest of Dezi.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Bsn } from '../src/means/bsn.ts';
import { Choices } from '../src/mitz/choices.ts';
import { Citizens } from '../src/mitz/citizens.ts';
import { decide } from '../src/mitz/decision.ts';
import { DIGID_IDP_METADATA_PATH } from '../src/proeftuin/digid-idp.ts';
import { MITZ_TEST_CITIZENS } from '../src/proeftuin/mitz-seed.ts';
import { BACKENDS, openTestDatabase, startDezi } from './helpers/dezi.ts';

for (const backend of BACKENDS) {
  describe(`Mitz in the proeftuin (${backend})`, () => {
    test('the test citizens answer the example question as the page says, seeded once over restarts', async () => {
      const database = await openTestDatabase(backend);
      try {
        const first = await startDezi({ db: database.db });
        const second = await startDezi({ db: database.db });
        const citizens = new Citizens(database.db, first.secrets);
        const choices = new Choices(database.db, citizens);
        try {
          for (const c of MITZ_TEST_CITIZENS) {
            const id = await citizens.find(Bsn.parse(c.bsn));
            assert.ok(id, 'every test citizen exists');
            const history = await choices.history(id);
            assert.equal(history.length, c.choices.length, 'seeded once, not per start');
            const { decision } = decide(await choices.current(id), {
              gegevenscategorie: 'GGC002',
              dossierhouder: 'RPZAC001',
              raadpleger: 'RPZAC001',
              purpose: 'TREAT',
            });
            assert.equal(decision, c.answer, c.note.en);
          }

          const page = await (await fetch(`${first.url}/proeftuin`)).text();
          for (const c of MITZ_TEST_CITIZENS) assert.ok(page.includes(c.bsn));
          assert.ok(page.includes(`${first.url}/mitz/geslotenautorisatievraag/xacml3`));
          const example = await fetch(`${first.url}/proeftuin/mitz/gesloten-vraag.xml`);
          assert.equal(example.status, 200);
          assert.match(example.headers.get('content-type') ?? '', /^application\/soap\+xml/);
          const xml = await example.text();
          assert.ok(
            xml.includes(`extension="${MITZ_TEST_CITIZENS[0]!.bsn}"`),
            'the example asks for the first',
          );
          assert.ok(xml.includes('XACMLAuthzDecisionQuery'));
        } finally {
          await first.stop();
          await second.stop();
        }
      } finally {
        await database.close();
      }
    });

    test('dezi start --only mitz serves Mitz and its DigiD, not the OpenID provider or the register API', async () => {
      const database = await openTestDatabase(backend);
      const only = await startDezi({ db: database.db, config: { only: 'mitz' } });
      try {
        const mitz = await fetch(`${only.url}/mitz`);
        assert.notEqual(mitz.status, 404, 'MijnMitz is served');
        const situations = await fetch(`${only.url}/mitz/knoppen/v1/situaties`);
        assert.equal(situations.status, 200);
        assert.equal(
          (await fetch(`${only.url}${DIGID_IDP_METADATA_PATH}`)).status,
          200,
          'the DigiD stand-in is served',
        );
        for (const path of [
          '/.well-known/openid-configuration',
          '/api/v1/openapi.json',
          '/mijn-dezi',
          '/dezi/jwks.json',
        ])
          assert.equal((await fetch(`${only.url}${path}`)).status, 404, `${path} is not served`);
        assert.ok(only.banner.some((l) => l.includes('/mitz')));
      } finally {
        await only.stop();
        await database.close();
      }
    });
  });
}
