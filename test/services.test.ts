// The services under the HTTP layer: migrations, signing keys and their rotation, verklaringen
// (concurrency, status, revocation), the BSN at rest.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader, createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { migrate } from '../src/db/migrate.ts';
import { ensureSigningKey, KeyUnsealError, loadKeySet, rotateSigningKey } from '../src/oidc/keys.ts';
import { Secrets } from '../src/secrets.ts';
import { Register } from '../src/register/register.ts';
import { Bsn } from '../src/means/bsn.ts';
import { revokeVerklaringen, VerklaringService } from '../src/verklaring/verklaring.ts';
import { seedProeftuin } from '../src/proeftuin/seed.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { BACKENDS, openTestDatabase, TEST_SECRET } from './helpers/dezi.ts';
import { testEsealKey, verklaringSettings } from './helpers/eseal.ts';
import { withinTransaction, type Database } from '../src/db/database.ts';

const ISSUER = 'https://dezi.test';

for (const backend of BACKENDS) {
  describe(`services (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let db: Database;
    const secrets = new Secrets(TEST_SECRET);
    let register: Register;

    before(async () => {
      database = await openTestDatabase(backend);
      db = database.db;
      await migrate(db);
      await ensureSigningKey(db, secrets);
      register = new Register(db, secrets, { onInvalidated: revokeVerklaringen });
      await seedProeftuin(register);
    });
    after(async () => database?.close());

    async function verklaringService(): Promise<VerklaringService> {
      const eseal = await testEsealKey();
      return new VerklaringService(db, verklaringSettings(ISSUER), () => eseal);
    }

    /** A seed person by surname, with their first active employment. */
    async function seedPerson(achternaam: string) {
      const seed = SEED_PERSONS.find((p) => p.achternaam === achternaam)!;
      const person = (await register.findPersonByBsn(Bsn.parse(seed.bsn)))!;
      const [employment] = await register.activeEmployments(person.id);
      return { person, employment: employment! };
    }

    test('migrations and the seed are idempotent', async () => {
      assert.deepEqual(await migrate(db), []);
      assert.deepEqual(await seedProeftuin(register), { persons: 0, abonnees: 0 });
      const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM persons')) as [
        { n: number },
      ];
      assert.equal(n, SEED_PERSONS.length);
    });

    test('withinTransaction: one transaction; a transaction inside it is a savepoint', async () => {
      await db.exec('CREATE TABLE within_tx (n int PRIMARY KEY)');
      await db.transaction(async (tx) => {
        const inner = withinTransaction(tx, db.kind);
        await inner.query('INSERT INTO within_tx VALUES (1)');
        // A statement that fails inside the nested transaction undoes that transaction only.
        await assert.rejects(
          inner.transaction(async (t) => {
            await t.query('INSERT INTO within_tx VALUES (2)');
            await t.query('INSERT INTO within_tx VALUES (1)');
          }),
          /duplicate key/,
        );
        await inner.transaction(async (t) => void (await t.query('INSERT INTO within_tx VALUES (3)')));
      });
      const rows = await db.query<{ n: number }>('SELECT n FROM within_tx ORDER BY n');
      assert.deepEqual(
        rows.map((r) => r.n),
        [1, 3],
      );
      // An error out of the outer transaction undoes everything done through the inner view.
      await assert.rejects(
        db.transaction(async (tx) => {
          const inner = withinTransaction(tx, db.kind);
          await inner.transaction(async (t) => void (await t.query('INSERT INTO within_tx VALUES (4)')));
          throw new Error('stop');
        }),
        /stop/,
      );
      assert.equal((await db.query('SELECT n FROM within_tx WHERE n = 4')).length, 0);
      await db.exec('DROP TABLE within_tx');
    });

    test('a means subject finds its person: BSN, UZI-nummer as Dezi-nummer, linked subject', async () => {
      const seed = SEED_PERSONS[0]!;
      const person = (await register.findPersonByBsn(Bsn.parse(seed.bsn)))!;
      const byUzi = await register.findPersonBySubject({ kind: 'uzi-nummer', uziNummer: person.deziNummer });
      assert.equal(byUzi?.id, person.id);
      assert.equal(await register.findPersonBySubject({ kind: 'uzi-nummer', uziNummer: '000000000' }), null);
      const linked = { kind: 'linked', meansId: 'test-means', subject: 'pseudonym-1' } as const;
      assert.equal(await register.findPersonBySubject(linked), null);
      await register.linkMeans(person.id, 'test-means', 'pseudonym-1');
      await register.linkMeans(person.id, 'test-means', 'pseudonym-1'); // linking again is harmless
      assert.equal((await register.findPersonBySubject(linked))?.id, person.id);
      const other = (await register.findPersonByBsn(Bsn.parse(SEED_PERSONS[1]!.bsn)))!;
      await assert.rejects(register.linkMeans(other.id, 'test-means', 'pseudonym-1'), /another person/);
      assert.equal((await register.findPersonBySubject(linked))?.id, person.id);
    });

    test('enrolling a person with a bad employment writes nothing', async () => {
      const bsn = Bsn.parse('999990159');
      const proef = {
        bsn,
        deziNummer: '900099999',
        voorletters: 'X.',
        voorvoegsel: null,
        achternaam: 'Proef',
        loaDezi: 'http://eidas.europa.eu/LoA/high',
      };
      await assert.rejects(
        register.enrol(proef, [
          { abonneeId: '00000000-0000-4000-8000-000000000000', rolCode: '30.000', rolCodeBron: 'big' },
        ]),
      );
      assert.equal(await register.findPersonByBsn(bsn), null);
      await assert.rejects(
        register.enrol(proef, [
          { abonneeId: '00000000-0000-4000-8000-000000000000', rolCode: '77.777', rolCodeBron: 'big' },
        ]),
        /unknown role code/,
      );
      assert.equal(await register.findPersonByBsn(bsn), null);
    });

    test('the BSN is stored sealed and found through the blind index only', async () => {
      const jansen = SEED_PERSONS[0]!;
      const person = await register.findPersonByBsn(Bsn.parse(jansen.bsn));
      assert.equal(person?.deziNummer, jansen.deziNummer);
      const [row] = await db.query<{ bsn_index: string; bsn_sealed: Uint8Array; bsn_key_id: string }>(
        'SELECT bsn_index, bsn_sealed, bsn_key_id FROM persons WHERE id = $1',
        [person!.id],
      );
      assert.ok(!row!.bsn_index.includes(jansen.bsn));
      assert.equal(row!.bsn_key_id, secrets.keyId);
      assert.equal(
        secrets.decrypt('bsn-encryption', Buffer.from(row!.bsn_sealed), person!.id).toString(),
        jansen.bsn,
      );
      // With another master secret the same BSN is not found.
      assert.equal(
        await new Register(db, new Secrets(Buffer.alloc(32, 9)), {
          onInvalidated: revokeVerklaringen,
        }).findPersonByBsn(Bsn.parse(jansen.bsn)),
        null,
      );
    });

    test('concurrent logins for the same person × abonnee × role get one verklaring', async () => {
      const service = await verklaringService();
      const { person, employment } = await seedPerson('Smit');
      const issued = await Promise.all(
        Array.from({ length: 8 }, () => service.forEmployment(person, employment)),
      );
      assert.equal(new Set(issued.map((v) => v.id)).size, 1);
      const [{ n }] = (await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM verklaringen WHERE person_id = $1 AND is_current',
        [person.id],
      )) as [{ n: number }];
      assert.equal(n, 1);
    });

    test('a revoked verklaring says so, and the next login gets a new one', async () => {
      const service = await verklaringService();
      const { person, employment } = await seedPerson('Mulder');
      const first = await service.forEmployment(person, employment);
      assert.equal((await service.status(first.id))?.status, 'actief');
      assert.equal(await service.revoke({ employmentId: employment.id }, 'test'), 1);
      const status = await service.status(first.id);
      assert.equal(status?.status, 'ingetrokken');
      assert.ok(status?.revokedAt);
      const second = await service.forEmployment(person, employment);
      assert.notEqual(second.id, first.id);
      assert.equal(await service.status('00000000-0000-4000-8000-000000000000'), null);
    });

    test('key rotation: the new key signs, the old one stays published, a wrong secret cannot unseal', async () => {
      const before = await loadKeySet(db, secrets);
      const oldKid = before.current.kid;
      const signedBefore = await new SignJWT({ probe: true })
        .setProtectedHeader({ alg: before.current.alg, kid: oldKid })
        .setIssuer(ISSUER)
        .sign(before.current.privateKey);

      const newKid = await rotateSigningKey(db, secrets, 92 * 24 * 3600);
      const afterRotation = await loadKeySet(db, secrets);
      assert.equal(afterRotation.current.kid, newKid);
      assert.notEqual(newKid, oldKid);
      const rs256 = afterRotation.published.filter((k) => k.alg === 'RS256');
      assert.deepEqual(rs256.map((k) => k.kid).sort(), [newKid, oldKid].sort());
      // PS256 and ES256 were rotated with it: the new key of each current, the old one still published.
      for (const alg of ['PS256', 'ES256'] as const) {
        const ofAlg = afterRotation.published.filter((k) => k.alg === alg).map((k) => k.kid);
        assert.deepEqual(
          ofAlg.sort(),
          [before.currentByAlg[alg].kid, afterRotation.currentByAlg[alg].kid].sort(),
        );
        assert.notEqual(afterRotation.currentByAlg[alg].kid, before.currentByAlg[alg].kid);
      }
      assert.equal(afterRotation.published.length, 6);
      // What was signed before the rotation still verifies against the published keys.
      const jwks = createLocalJWKSet({ keys: afterRotation.published.map((k) => k.publicJwk) });
      await jwtVerify(signedBefore, jwks, { issuer: ISSUER });

      await assert.rejects(loadKeySet(db, new Secrets(Buffer.alloc(32, 3))), KeyUnsealError);
    });

    test('a verklaring naming another authority or register URI is not handed out again; a new one is', async () => {
      const eseal = await testEsealKey();
      const { person, employment } = await seedPerson('Berg');
      const before = await new VerklaringService(db, verklaringSettings(ISSUER), () => eseal).forEmployment(
        person,
        employment,
      );
      // Same settings: re-used.
      const same = await new VerklaringService(db, verklaringSettings(ISSUER), () => eseal).forEmployment(
        person,
        employment,
      );
      assert.equal(same.id, before.id);
      // The proeftuin moved to another address: the old one names a jku and status_uri nobody serves.
      const moved = new VerklaringService(db, verklaringSettings('https://dezi-elders.test'), () => eseal);
      const after = await moved.forEmployment(person, employment);
      assert.notEqual(after.id, before.id);
      assert.equal(decodeProtectedHeader(after.jws).jku, 'https://dezi-elders.test/dezi/jwks.json');
      assert.equal((await moved.forEmployment(person, employment)).id, after.id, 'and that one is re-used');
      // Not revoked: what it states is still true; it is only no longer handed out.
      assert.equal((await moved.status(before.id))?.status, 'actief');
      const renamed = new VerklaringService(
        db,
        { ...verklaringSettings('https://dezi-elders.test'), iss: 'https://register.test' },
        () => eseal,
      );
      assert.notEqual((await renamed.forEmployment(person, employment)).id, after.id);
    });

    test('a verklaring is signed with the eSeal key, not an id_token key, and names the eSeal JWKS', async () => {
      const service = await verklaringService();
      const eseal = await testEsealKey();
      const { person, employment } = await seedPerson('Jong');
      const v = await service.forEmployment(person, employment);
      const header = decodeProtectedHeader(v.jws);
      assert.deepEqual(Object.keys(header), ['alg', 'kid', 'typ', 'jku']);
      assert.equal(header.kid, eseal.kid);
      assert.equal(header.jku, `${ISSUER}/dezi/jwks.json`);
      await jwtVerify(v.jws, createLocalJWKSet({ keys: [eseal.jwk] }), { issuer: 'https://abonnee.dezi.nl' });
      const idTokenKeys = createLocalJWKSet({
        keys: (await loadKeySet(db, secrets)).published.map((k) => k.publicJwk),
      });
      await assert.rejects(jwtVerify(v.jws, idTokenKeys), /no applicable key|signature/);
    });
  });
}
