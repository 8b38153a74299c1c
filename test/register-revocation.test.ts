// Register changes seen by a zorgapplicatie: once an employment ends, a role changes, an abonnee is
// suspended or a name changes, the verklaring's status_uri says revoked, userinfo stops delivering it,
// and the next login gets a new verklaring (or none).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Bsn } from '../src/means/bsn.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import type { Actor } from '../src/audit/audit.ts';
import { BACKENDS, openTestDatabase, startDezi, type TestDezi } from './helpers/dezi.ts';
import { fetchUserinfo, redeem, registerRp, type TestRp } from './helpers/rp.ts';
import { login } from './helpers/login.ts';

const OPERATOR: Actor = { kind: 'operator', name: 'revocation-test' };
const seed = (achternaam: string) => SEED_PERSONS.find((p) => p.achternaam === achternaam)!;

for (const backend of BACKENDS)
  describe(`revocation seen by a zorgapplicatie (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let dezi: TestDezi;
    let rp: TestRp;

    before(async () => {
      database = await openTestDatabase(backend);
      dezi = await startDezi({ db: database.db });
      rp = await registerRp(dezi.url);
    });
    after(async () => {
      await dezi?.stop();
      await database?.close();
    });

    async function fullLogin(bsn: string, choose?: (values: string[]) => string) {
      const out = await login(rp, bsn, { choose });
      assert.equal(out.final.status, 303, `login stopped at ${out.final.url}`);
      const tokens = await redeem(rp, out.final.location!, out.request);
      const userinfo = await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub);
      return { out, tokens, verklaring: userinfo.verklaring };
    }
    const userinfoStatus = async (accessToken: string) =>
      (await fetch(`${dezi.url}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } })).status;
    const statusUri = async (uri: unknown) =>
      ((await (await fetch(uri as string)).json()) as { status: string }).status;

    test('a name change: old verklaring revoked, userinfo refuses it, the next login carries the new name', async () => {
      const p = seed('Jansen');
      const first = await fullLogin(p.bsn);
      const person = (await dezi.register.findPersonByBsn(Bsn.parse(p.bsn)))!;
      await dezi.register.changeName(
        person.id,
        { voorletters: 'J.', voorvoegsel: null, achternaam: 'Jansen-Smit' },
        OPERATOR,
      );
      assert.equal(await statusUri(first.verklaring.status_uri), 'ingetrokken');
      assert.equal(await userinfoStatus(first.tokens.access_token), 401);
      const second = await fullLogin(p.bsn);
      assert.equal(second.verklaring.achternaam, 'Jansen-Smit');
      assert.notEqual(second.verklaring.verklaring_id, first.verklaring.verklaring_id);
    });

    test('a role change, then the end of the employment: revoked at once; then no login at all', async () => {
      const p = seed('Smit'); // fysiotherapeut at one abonnee
      const first = await fullLogin(p.bsn);
      const person = (await dezi.register.findPersonByBsn(Bsn.parse(p.bsn)))!;
      const [employment] = await dezi.register.activeEmployments(person.id);
      await dezi.register.changeRole(employment!.id, { rolCode: '99.000', rolCodeBron: 'abonnee' }, OPERATOR);
      assert.equal(await statusUri(first.verklaring.status_uri), 'ingetrokken');
      assert.equal(await userinfoStatus(first.tokens.access_token), 401);
      const second = await fullLogin(p.bsn);
      assert.equal(second.verklaring.rol_code, '99.000');
      await dezi.register.endEmployment(employment!.id, OPERATOR);
      assert.equal(await statusUri(second.verklaring.status_uri), 'ingetrokken');
      assert.equal(await userinfoStatus(second.tokens.access_token), 401);
      const third = await login(rp, p.bsn);
      assert.equal(third.final.status, 403);
      assert.match(third.final.body, /Geen actieve koppeling/);
    });

    test('suspending an abonnee: its verklaring revoked; the person logs in at the other abonnee only', async () => {
      const p = seed('Amrani'); // two abonnees
      const first = await fullLogin(p.bsn);
      const abonnee = (await dezi.register.findAbonnee(first.verklaring.abonnee_nummer as string))!;
      await dezi.register.setAbonneeStatus(abonnee.id, 'suspended', OPERATOR);
      assert.equal(await statusUri(first.verklaring.status_uri), 'ingetrokken');
      assert.equal(await userinfoStatus(first.tokens.access_token), 401);
      // One employment left: no choice page, straight to the other abonnee.
      const second = await fullLogin(p.bsn);
      assert.equal(second.out.choicePage, undefined);
      assert.notEqual(second.verklaring.abonnee_nummer, abonnee.abonneeNummer);
      await dezi.register.setAbonneeStatus(abonnee.id, 'active', OPERATOR);
    });
  });
