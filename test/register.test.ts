// The Dezi-register's rules: Dezi-nummer allocation (also concurrent, also across two pools), one
// person per BSN, name changes, employments and roles (BIG), status changes and the revocations they
// cause, linked means, abonnees, and the hash-chained append-only audit trail.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listMigrations, migrate } from '../src/db/migrate.ts';
import { openDatabase, type Database } from '../src/db/database.ts';
import { Secrets } from '../src/secrets.ts';
import {
  BigRoleError,
  ConflictError,
  NotFoundError,
  Register,
  RegisterError,
  type Person,
} from '../src/register/register.ts';
import { Bsn } from '../src/means/bsn.ts';
import {
  BigRegisterError,
  bigRegisterFor,
  FileBigRegister,
  holdsBigRole,
  NoBigRegister,
} from '../src/register/big.ts';
import { roleByCode } from '../src/register/roles.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { LOA } from '../src/means/loa.ts';
import { revokeVerklaringen, VerklaringService } from '../src/verklaring/verklaring.ts';
import { recordAudit, verifyAuditChain, type Actor } from '../src/audit/audit.ts';
import { generatedBsns } from '../bench/register-data.ts';
import { BACKENDS, openTestDatabase, TEST_SECRET } from './helpers/dezi.ts';
import { testEsealKey, verklaringSettings } from './helpers/eseal.ts';
import { amsterdamMidnightOf } from '../src/time.ts';

const ISSUER = 'https://dezi.test';
const OPERATOR: Actor = { kind: 'operator', name: 'beheerder' };

/** Fresh BSNs for this file, far from the seed's 99999xxxx. */
const bsnSource = generatedBsns();
const nextBsn = () => Bsn.parse(bsnSource.next().value as string);

for (const backend of BACKENDS) {
  test(`migration 003 chains the audit records written before it (${backend})`, async () => {
    const fresh = await openTestDatabase(backend);
    try {
      const db = fresh.db;
      await db.exec(
        'CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      for (const m of listMigrations().filter((m) => m.name < '003')) {
        await db.exec(m.sql);
        await db.query('INSERT INTO schema_migrations (name) VALUES ($1)', [m.name]);
      }
      for (const action of ['login', 'verklaring.deliver', 'login'])
        await db.query(`INSERT INTO audit_events (actor, action, outcome) VALUES ('system', $1, 'success')`, [
          action,
        ]);
      await migrate(db);
      await recordAudit(db, { actor: { kind: 'system' }, action: 'after', outcome: 'success' });
      const result = await verifyAuditChain(db);
      assert.deepEqual(result.problems, []);
      assert.equal(result.records, 4);
      const rows = await db.query<{ seq: string; action: string }>(
        'SELECT seq, action FROM audit_events ORDER BY seq',
      );
      assert.deepEqual(
        rows.map((r) => [Number(r.seq), r.action]),
        [
          [1, 'login'],
          [2, 'verklaring.deliver'],
          [3, 'login'],
          [4, 'after'],
        ],
      );
    } finally {
      await fresh.close();
    }
  });

  describe(`register (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let db: Database;
    const secrets = new Secrets(TEST_SECRET);
    let register: Register;
    let verklaringen: VerklaringService;
    let big: Map<string, string[]>;

    before(async () => {
      database = await openTestDatabase(backend);
      db = database.db;
      await migrate(db);
      const eseal = await testEsealKey();
      verklaringen = new VerklaringService(db, verklaringSettings(ISSUER), () => eseal);
      // A BIG-register the test can fill: Dezi-nummer → beroepen ("01") and specialisms ("01.015").
      big = new Map();
      register = new Register(db, secrets, {
        onInvalidated: revokeVerklaringen,
        big: {
          registrationsOf: async (p) => {
            const held = big.get(p.deziNummer) ?? [];
            return held
              .filter((c) => /^[0-9]{2}$/.test(c))
              .map((beroep) => ({ beroep, specialismen: held.filter((c) => c.startsWith(`${beroep}.`)) }));
          },
        },
      });
    });
    after(async () => database?.close());

    const person = (achternaam = 'Proef') =>
      register.registerPerson(
        { bsn: nextBsn(), voorletters: 'T.', voorvoegsel: null, achternaam, loaDezi: LOA.high },
        OPERATOR,
      );
    let abonneeCounter = 10_000_000;
    const abonnee = () =>
      register.createAbonnee(
        { abonneeNummer: String(++abonneeCounter), naam: `Zorg ${abonneeCounter}`, kvk: '12345678' },
        OPERATOR,
      );
    async function employedWithVerklaring(p: Person, rolCode = '86.000') {
      const a = await abonnee();
      const e = await register.createEmployment(
        { personId: p.id, abonneeId: a.id, rolCode, rolCodeBron: 'abonnee' },
        OPERATOR,
      );
      const v = await verklaringen.forEmployment(p, e);
      return { a, e, v };
    }
    const statusOf = async (id: string) => (await verklaringen.status(id))!.status;

    test('registerPerson allocates a 9-digit Dezi-nummer; the same BSN gives the same person', async () => {
      const bsn = nextBsn();
      const reg = { bsn, voorletters: 'A.', voorvoegsel: 'van', achternaam: 'Dam', loaDezi: LOA.substantial };
      const p = await register.registerPerson(reg, OPERATOR);
      assert.match(p.deziNummer, /^[0-9]{9}$/);
      assert.equal(p.status, 'active');
      assert.equal(p.loaDezi, LOA.substantial);
      const again = await register.registerPerson({ ...reg, achternaam: 'Anders' }, OPERATOR);
      assert.equal(again.id, p.id);
      assert.equal(again.achternaam, 'Dam', 'a second registration changes nothing');
      assert.equal((await register.findPersonByBsn(bsn))?.id, p.id);
      assert.equal((await register.findPersonByDeziNummer(p.deziNummer))?.id, p.id);
      assert.equal(await register.findPersonByDeziNummer('12345'), null);
    });

    test('registerPerson refuses empty names, control characters and an unknown LoA', async () => {
      const base = {
        bsn: nextBsn(),
        voorletters: 'A.',
        voorvoegsel: null,
        achternaam: 'X',
        loaDezi: LOA.high,
      };
      await assert.rejects(register.registerPerson({ ...base, achternaam: '  ' }, OPERATOR), RegisterError);
      await assert.rejects(
        register.registerPerson({ ...base, voorletters: 'A.\u0007B.' }, OPERATOR),
        /control/,
      );
      await assert.rejects(
        register.registerPerson({ ...base, loaDezi: 'high' }, OPERATOR),
        /level of assurance/,
      );
      assert.equal(await register.findPersonByBsn(base.bsn), null);
    });

    test('concurrent registrations of one BSN yield one person', async () => {
      const bsn = nextBsn();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          register.registerPerson(
            { bsn, voorletters: 'C.', voorvoegsel: null, achternaam: `Gelijk${i}`, loaDezi: LOA.high },
            OPERATOR,
          ),
        ),
      );
      assert.equal(new Set(results.map((r) => r.id)).size, 1);
      const [{ n }] = (await db.query<{ n: string }>(
        'SELECT count(*) AS n FROM persons WHERE bsn_index = $1',
        [register.bsnIndex(bsn)],
      )) as [{ n: string }];
      assert.equal(Number(n), 1);
    });

    test('many concurrent allocations never hand out a number twice', async () => {
      const people = await Promise.all(Array.from({ length: 40 }, () => person('Parallel')));
      assert.equal(new Set(people.map((p) => p.deziNummer)).size, 40);
    });

    test('allocation skips a number already carried over from the UZI-register', async () => {
      const [seq] = await db.query<{ last_value: string; is_called: boolean }>(
        'SELECT last_value, is_called FROM dezi_nummer_seq',
      );
      const next = String(Number(seq!.last_value) + (seq!.is_called ? 1 : 0)).padStart(9, '0');
      const carried = await register.createPerson({
        bsn: nextBsn(),
        deziNummer: next,
        voorletters: 'U.',
        voorvoegsel: null,
        achternaam: 'Uzi',
        loaDezi: LOA.high,
      });
      assert.equal(carried.deziNummer, next);
      const fresh = await person('NaUzi');
      assert.notEqual(fresh.deziNummer, next);
      await assert.rejects(
        register.createPerson({
          bsn: nextBsn(),
          deziNummer: next,
          voorletters: 'U.',
          voorvoegsel: null,
          achternaam: 'Dubbel',
          loaDezi: LOA.high,
        }),
        ConflictError,
      );
    });

    test('persons are never deleted, so a Dezi-nummer is never re-used', async () => {
      const p = await person();
      await assert.rejects(db.query('DELETE FROM persons WHERE id = $1', [p.id]), /never deleted/);
      assert.ok(await register.getPerson(p.id));
    });

    test('a name change keeps means and employments, records history, revokes the verklaringen', async () => {
      const p = await person('Oud');
      const { e, v } = await employedWithVerklaring(p);
      const link = await register.linkMeans(p.id, 'yivi', `subject-${p.deziNummer}`, OPERATOR);
      const renamed = await register.changeName(
        p.id,
        { voorletters: 'T.', voorvoegsel: 'de', achternaam: 'Nieuw' },
        {
          kind: 'person',
          deziNummer: p.deziNummer,
        },
      );
      assert.equal(renamed.achternaam, 'Nieuw');
      assert.equal(await statusOf(v.id), 'ingetrokken');
      assert.equal((await register.getEmployment(e.id))?.status, 'active');
      assert.deepEqual(
        (await register.listLinkedMeans(p.id)).map((m) => m.id),
        [link.id],
      );
      const history = await register.nameHistory(p.id);
      assert.deepEqual(
        history.map((h) => [h.voorvoegsel, h.achternaam, h.until === null]),
        [
          [null, 'Oud', false],
          ['de', 'Nieuw', true],
        ],
      );
      assert.equal(history[0]!.changedBy, p.deziNummer);
      // The next verklaring carries the new name.
      const fresh = await verklaringen.forEmployment(renamed, (await register.getEmployment(e.id))!);
      assert.notEqual(fresh.id, v.id);
      const payload = JSON.parse(Buffer.from(fresh.jws.split('.')[1]!, 'base64url').toString());
      assert.equal(payload.achternaam, 'Nieuw');
      // The same name again changes nothing.
      await register.changeName(
        p.id,
        { voorletters: 'T.', voorvoegsel: 'de', achternaam: 'Nieuw' },
        OPERATOR,
      );
      assert.equal((await register.nameHistory(p.id)).length, 2);
      assert.equal(await statusOf(fresh.id), 'actief');
      await assert.rejects(
        register.changeName(p.id, { voorletters: '', voorvoegsel: null, achternaam: 'X' }, OPERATOR),
      );
      await assert.rejects(
        register.changeName(
          '00000000-0000-4000-8000-000000000000',
          { voorletters: 'A.', voorvoegsel: null, achternaam: 'X' },
          OPERATOR,
        ),
        NotFoundError,
      );
    });

    test('onInvalidated runs in the change’s transaction: a failure after the revocation rolls both back', async () => {
      // A register whose callback revokes (as the composition root wires it), sees the change it was
      // called for, and then fails: nothing of the change, and nothing of the revocation, may remain.
      const p = await person('Voor');
      const { a, e, v } = await employedWithVerklaring(p);
      const seen: { criteria: unknown; reason: string; achternaam: string | undefined }[] = [];
      const failing = new Register(db, secrets, {
        big: { registrationsOf: async () => [] },
        onInvalidated: async (tx, criteria, reason, actor) => {
          await revokeVerklaringen(tx, criteria, reason, actor);
          // Read through the callback's own handle: only inside the change's transaction is it visible.
          const [row] = await tx.query<{ achternaam: string }>(
            'SELECT achternaam FROM persons WHERE id = $1',
            [p.id],
          );
          seen.push({ criteria, reason, achternaam: row?.achternaam });
          throw new Error('a failure after the revocation');
        },
      });
      const auditCount = async () =>
        Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM audit_events'))[0]!.n);
      const before = await auditCount();
      const attempts: [string, () => Promise<unknown>][] = [
        [
          'name',
          () =>
            failing.changeName(p.id, { voorletters: 'T.', voorvoegsel: null, achternaam: 'Na' }, OPERATOR),
        ],
        ['person status', () => failing.setPersonStatus(p.id, 'suspended', OPERATOR)],
        ['abonnee status', () => failing.setAbonneeStatus(a.id, 'ended', OPERATOR)],
        ['role', () => failing.changeRole(e.id, { rolCode: '92.000', rolCodeBron: 'abonnee' }, OPERATOR)],
        ['end', () => failing.endEmployment(e.id, OPERATOR)],
      ];
      for (const [what, attempt] of attempts) {
        await assert.rejects(attempt(), /a failure after the revocation/, what);
        assert.equal(await statusOf(v.id), 'actief', `${what}: the revocation is rolled back`);
      }
      // The callback saw each change from inside its transaction (the new name was visible there).
      assert.deepEqual(
        seen.map((x) => [x.criteria, x.reason]),
        [
          [{ personId: p.id }, 'name_changed'],
          [{ personId: p.id }, 'person_suspended'],
          [{ abonneeId: a.id }, 'abonnee_ended'],
          [{ employmentId: e.id }, 'role_changed'],
          [{ employmentId: e.id }, 'employment_ended'],
        ],
      );
      assert.equal(seen[0]!.achternaam, 'Na');
      // …and none of the changes, nor their audit records, remain.
      const after = (await register.getPerson(p.id))!;
      assert.deepEqual([after.achternaam, after.status], ['Voor', 'active']);
      assert.equal((await register.nameHistory(p.id)).length, 1);
      assert.equal((await register.getAbonnee(a.id))?.status, 'active');
      const still = (await register.getEmployment(e.id))!;
      assert.deepEqual([still.rolCode, still.status], [e.rolCode, 'active']);
      assert.equal(await auditCount(), before);
    });

    test('ending an employment revokes its verklaringen at once and ends login with it', async () => {
      const p = await person();
      const { e, v } = await employedWithVerklaring(p);
      const other = await employedWithVerklaring(p);
      assert.equal((await register.activeEmployments(p.id)).length, 2);
      const ended = await register.endEmployment(e.id, OPERATOR);
      assert.equal(ended.status, 'ended');
      assert.equal(await statusOf(v.id), 'ingetrokken');
      assert.equal(await statusOf(other.v.id), 'actief', 'the other employment is untouched');
      assert.deepEqual(
        (await register.activeEmployments(p.id)).map((x) => x.id),
        [other.e.id],
      );
      assert.equal(await register.activeEmployment(p.id, e.id), null);
      await assert.rejects(register.endEmployment(e.id, OPERATOR), ConflictError);
      const all = await register.employmentsOfPerson(p.id);
      assert.equal(all.length, 2, 'ended employments stay listed');
      assert.deepEqual(
        (await register.employmentsOfAbonnee(other.a.id)).map((x) => x.id),
        [other.e.id],
      );
    });

    test('an end date in the future caps new verklaringen; an end before the start is refused', async () => {
      const p = await person();
      const { e, v } = await employedWithVerklaring(p);
      await assert.rejects(register.endEmployment(e.id, OPERATOR, '2000-01-01'), /before the start/);
      await assert.rejects(register.endEmployment(e.id, OPERATOR, '2030-02-31'), /calendar date/);
      const end = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
      const ending = await register.endEmployment(e.id, OPERATOR, end);
      assert.equal(ending.status, 'active');
      assert.equal(ending.endDate, end);
      assert.equal(await statusOf(v.id), 'ingetrokken');
      const capped = await verklaringen.forEmployment(p, ending);
      const status = (await verklaringen.status(capped.id))!;
      // The first day without the employment, at 00:00 in the Netherlands.
      assert.equal(status.exp, amsterdamMidnightOf(end) / 1000);
    });

    test('a role change revokes the verklaring with the old role; BIG rules are enforced', async () => {
      const p = await person();
      const { e, v } = await employedWithVerklaring(p, '86.000');
      // A BIG profession cannot be declared by the abonnee, nor stated without a BIG registration.
      await assert.rejects(
        register.changeRole(e.id, { rolCode: '30.000', rolCodeBron: 'abonnee' }, OPERATOR),
        /BIG profession/,
      );
      await assert.rejects(
        register.changeRole(e.id, { rolCode: '30.000', rolCodeBron: 'big' }, OPERATOR),
        (err: RegisterError) => err.code === 'forbidden' && /no BIG registration/.test(err.message),
      );
      await assert.rejects(
        register.changeRole(e.id, { rolCode: '92.000', rolCodeBron: 'big' }, OPERATOR),
        /not a BIG profession/,
      );
      await assert.rejects(
        register.changeRole(e.id, { rolCode: '55.555', rolCodeBron: 'abonnee' }, OPERATOR),
        /unknown role code/,
      );
      await assert.rejects(
        register.changeRole(e.id, { rolCode: '30.000', rolCodeBron: null }, OPERATOR),
        /role source/,
      );
      assert.equal(await statusOf(v.id), 'actief', 'refused changes revoke nothing');
      big.set(p.deziNummer, ['30']);
      const changed = await register.changeRole(e.id, { rolCode: '30.000', rolCodeBron: 'big' }, OPERATOR);
      assert.equal(changed.rolCode, '30.000');
      assert.equal(changed.rolCodeBron, 'http://www.dezi.nl/rol_bron/big');
      assert.equal(await statusOf(v.id), 'ingetrokken');
      const none = await register.changeRole(e.id, { rolCode: null, rolCodeBron: null }, OPERATOR);
      assert.equal(none.rolCode, null);
    });

    test('createEmployment checks person, abonnee, dates, AGB and the BIG registration', async () => {
      const p = await person();
      const a = await abonnee();
      const base = { personId: p.id, abonneeId: a.id, rolCode: '01.015', rolCodeBron: 'big' as const };
      await assert.rejects(register.createEmployment(base, OPERATOR), /no BIG registration/);
      big.set(p.deziNummer, ['01']);
      // An arts is not yet a huisarts: 01.015 is a specialism, which the BIG-register must list.
      await assert.rejects(
        register.createEmployment(base, OPERATOR),
        /no BIG registration for the specialism/,
      );
      big.set(p.deziNummer, ['01', '01.015']);
      await assert.rejects(register.createEmployment({ ...base, agb: '123' }, OPERATOR), /AGB/);
      await assert.rejects(
        register.createEmployment({ ...base, startDate: '2024-05-01', endDate: '2024-04-01' }, OPERATOR),
        /before startDate/,
      );
      await assert.rejects(
        register.createEmployment({ ...base, abonneeId: '00000000-0000-4000-8000-000000000000' }, OPERATOR),
        NotFoundError,
      );
      const e = await register.createEmployment(
        { ...base, agb: '01234567', startDate: '2024-05-01' },
        OPERATOR,
      );
      assert.deepEqual(
        { rol: e.rolNaam, agb: e.agb, start: e.startDate, end: e.endDate, status: e.status },
        { rol: 'Huisarts', agb: '01234567', start: '2024-05-01', end: null, status: 'active' },
      );
      const future = await register.createEmployment({ ...base, startDate: '2999-01-01' }, OPERATOR);
      assert.equal(future.status, 'future');
      assert.equal(await register.activeEmployment(p.id, future.id), null);
      await register.setPersonStatus(p.id, 'deceased', OPERATOR);
      await assert.rejects(register.createEmployment(base, OPERATOR), /deceased/);
      await assert.rejects(register.setPersonStatus(p.id, 'active', OPERATOR), ConflictError);
    });

    test('a BIG specialism must be held: an arts without cardiology cannot be made cardioloog, one with it can', async () => {
      const arts = await person('Arts');
      const cardioloog = await person('Cardioloog');
      big.set(arts.deziNummer, ['01']);
      big.set(cardioloog.deziNummer, ['01', '01.010']);
      const a = await abonnee();
      const cardiologie = { rolCode: '01.010', rolCodeBron: 'big' as const };
      const refusedAs = (reason: string) => (err: unknown) =>
        err instanceof BigRoleError &&
        err.code === 'forbidden' &&
        err.reason === reason &&
        err.role.code === '01.010' &&
        /no BIG registration for the specialism Cardioloog \(01\.010\)/.test(err.message);

      // A new employment as cardioloog: refused for the arts, nothing recorded.
      await assert.rejects(
        register.createEmployment({ personId: arts.id, abonneeId: a.id, ...cardiologie }, OPERATOR),
        refusedAs('not_registered'),
      );
      assert.equal((await register.employmentsOfPerson(arts.id)).length, 0);
      // As arts (the beroep itself) the arts may work; a later change to cardioloog is refused.
      const e = await register.createEmployment(
        { personId: arts.id, abonneeId: a.id, rolCode: '01.000', rolCodeBron: 'big' },
        OPERATOR,
      );
      const v = await verklaringen.forEmployment(arts, e);
      await assert.rejects(register.changeRole(e.id, cardiologie, OPERATOR), refusedAs('not_registered'));
      assert.equal((await register.getEmployment(e.id))!.rolCode, '01.000');
      assert.equal(await statusOf(v.id), 'actief', 'a refused change revokes nothing');
      await assert.rejects(register.checkRole(arts, '01.010', 'big'), refusedAs('not_registered'));
      await register.checkRole(arts, '01.000', 'big');

      // The cardioloog may be cardioloog and arts, but not huisarts.
      const c = await register.createEmployment(
        { personId: cardioloog.id, abonneeId: a.id, ...cardiologie },
        OPERATOR,
      );
      assert.equal(c.rolNaam, 'Cardioloog');
      await assert.rejects(
        register.changeRole(c.id, { rolCode: '01.015', rolCodeBron: 'big' }, OPERATOR),
        /no BIG registration for the specialism Huisarts \(01\.015\)/,
      );
      assert.equal(
        (await register.changeRole(c.id, { rolCode: '01.000', rolCodeBron: 'big' }, OPERATOR)).rolCode,
        '01.000',
      );
      // Once the BIG-register lists the specialism, the arts may be given it too.
      big.set(arts.deziNummer, ['01', '01.010']);
      assert.equal((await register.changeRole(e.id, cardiologie, OPERATOR)).rolCode, '01.010');
      assert.equal(await statusOf(v.id), 'ingetrokken');
    });

    test('suspending a person revokes every verklaring of theirs; reactivating revokes nothing', async () => {
      const p = await person();
      const one = await employedWithVerklaring(p);
      const two = await employedWithVerklaring(p);
      const bystander = await employedWithVerklaring(await person());
      const suspended = await register.setPersonStatus(p.id, 'suspended', OPERATOR);
      assert.equal(suspended.status, 'suspended');
      assert.equal(await statusOf(one.v.id), 'ingetrokken');
      assert.equal(await statusOf(two.v.id), 'ingetrokken');
      assert.equal(await statusOf(bystander.v.id), 'actief');
      await register.setPersonStatus(p.id, 'active', OPERATOR);
      assert.equal((await register.getPerson(p.id))?.status, 'active');
      await assert.rejects(register.setPersonStatus(p.id, 'weg' as never, OPERATOR), /unknown person status/);
      const [row] = await db.query<{ revocation_reason: string }>(
        'SELECT revocation_reason FROM verklaringen WHERE id = $1',
        [one.v.id],
      );
      assert.equal(row!.revocation_reason, 'person_suspended');
    });

    test('suspending an abonnee revokes its verklaringen only, and stops login there', async () => {
      const p = await person();
      const here = await employedWithVerklaring(p);
      const elsewhere = await employedWithVerklaring(p);
      await register.setAbonneeStatus(here.a.id, 'suspended', OPERATOR);
      assert.equal(await statusOf(here.v.id), 'ingetrokken');
      assert.equal(await statusOf(elsewhere.v.id), 'actief');
      assert.deepEqual(
        (await register.activeEmployments(p.id)).map((e) => e.id),
        [elsewhere.e.id],
      );
      assert.equal((await register.getAbonnee(here.a.id))?.status, 'suspended');
      await register.setAbonneeStatus(here.a.id, 'active', OPERATOR);
      assert.equal((await register.activeEmployments(p.id)).length, 2);
    });

    test('the BSN is sealed per person: revealBsn opens it (audited), a wrong key id is refused', async () => {
      const bsn = nextBsn();
      const p = await register.registerPerson(
        { bsn, voorletters: 'B.', voorvoegsel: null, achternaam: 'Sleutel', loaDezi: LOA.high },
        OPERATOR,
      );
      assert.equal((await register.revealBsn(p.id, OPERATOR)).reveal(), bsn.reveal());
      const [audit] = await db.query<{ action: string }>(
        `SELECT action FROM audit_events WHERE target = $1 ORDER BY id DESC LIMIT 1`,
        [`person:${p.deziNummer}`],
      );
      assert.equal(audit!.action, 'register.person.read_bsn');
      // Sealed under another master key: refused by key id before any decryption is tried.
      const other = new Register(db, new Secrets(Buffer.alloc(32, 9)), { onInvalidated: revokeVerklaringen });
      await assert.rejects(other.revealBsn(p.id, OPERATOR), /sealed with key/);
    });

    test('VerklaringService.revoke by abonnee, person or employment records the reason', async () => {
      const p = await person();
      const { a, v } = await employedWithVerklaring(p);
      assert.equal(await verklaringen.revoke({ abonneeId: a.id }, 'test_reason', { actor: OPERATOR }), 1);
      assert.equal(await verklaringen.revoke({ abonneeId: a.id }, 'again'), 0, 'a revoked one stays revoked');
      const [row] = await db.query<{ revocation_reason: string }>(
        'SELECT revocation_reason FROM verklaringen WHERE id = $1',
        [v.id],
      );
      assert.equal(row!.revocation_reason, 'test_reason');
      const [audit] = await db.query<{ actor: string; detail: { reason: string } }>(
        `SELECT actor, detail FROM audit_events WHERE action = 'verklaring.revoke' AND target = $1`,
        [`verklaring:${v.id}`],
      );
      assert.deepEqual([audit!.actor, audit!.detail.reason], ['operator:beheerder', 'test_reason']);
    });

    test('abonnees: numbers, KvK and AGB are checked; a number exists once; administrators', async () => {
      await assert.rejects(
        register.createAbonnee({ abonneeNummer: '123', naam: 'X', kvk: '12345678' }, OPERATOR),
        /8 digits/,
      );
      await assert.rejects(
        register.createAbonnee({ abonneeNummer: '12345678', naam: 'X', kvk: '1234' }, OPERATOR),
        /KvK/,
      );
      await assert.rejects(
        register.createAbonnee(
          { abonneeNummer: '12345678', naam: 'X', kvk: '12345678', agb: 'abc' },
          OPERATOR,
        ),
        /AGB/,
      );
      const a = await register.createAbonnee(
        { abonneeNummer: '23456789', naam: ' Praktijk Test ', kvk: '87654321', agb: '01000001' },
        OPERATOR,
      );
      assert.deepEqual(
        { naam: a.naam, kvk: a.kvk, agb: a.agb, status: a.status },
        { naam: 'Praktijk Test', kvk: '87654321', agb: '01000001', status: 'active' },
      );
      await assert.rejects(
        register.createAbonnee({ abonneeNummer: '23456789', naam: 'Y', kvk: '87654321' }, OPERATOR),
        ConflictError,
      );
      assert.equal((await register.findAbonnee('23456789'))?.id, a.id);
      assert.equal(await register.findAbonnee('nope'), null);
      const admin = await person('Beheer');
      await register.addAbonneeAdministrator(a.id, admin.id, OPERATOR);
      // Appointed, but administering needs an active employment there too (the one rule).
      assert.equal(await register.isAbonneeAdministrator(a.id, admin.id), false);
      await register.createEmployment(
        { personId: admin.id, abonneeId: a.id, rolCode: null, rolCodeBron: null },
        OPERATOR,
      );
      assert.ok(await register.isAbonneeAdministrator(a.id, admin.id));
      assert.deepEqual(
        (await register.abonneeAdministrators(a.id)).map((x) => x.id),
        [admin.id],
      );
      await register.removeAbonneeAdministrator(a.id, admin.id, OPERATOR);
      assert.equal(await register.isAbonneeAdministrator(a.id, admin.id), false);
      await assert.rejects(register.removeAbonneeAdministrator(a.id, admin.id, OPERATOR), NotFoundError);
      const updated = await register.updateAbonnee(a.id, { agb: null }, OPERATOR);
      assert.equal(updated.agb, null);
      assert.equal(updated.kvk, '87654321');
    });

    test('who administers an abonnee: one rule for the portal, the API and the register', async () => {
      const a = await abonnee();
      const b = await abonnee();
      const admin = await person('Beheer');
      const job = await register.createEmployment(
        { personId: admin.id, abonneeId: a.id, rolCode: null, rolCodeBron: null },
        OPERATOR,
      );
      const elsewhere = await register.createEmployment(
        { personId: admin.id, abonneeId: b.id, rolCode: null, rolCodeBron: null },
        OPERATOR,
      );
      const holds = async () => ({
        is: await register.isAbonneeAdministrator(a.id, admin.id),
        list: (await register.administeredAbonnees(admin.id)).map((x) => x.id),
        through: (await register.administeredThrough(admin.id, job.id))?.abonnee.id ?? null,
      });
      const none = { is: false, list: [], through: null };
      const yes = { is: true, list: [a.id], through: a.id };
      // Employed at a, not appointed: nothing.
      assert.deepEqual(await holds(), none);
      await register.addAbonneeAdministrator(a.id, admin.id, OPERATOR);
      assert.deepEqual(await holds(), yes);
      const through = await register.administeredThrough(admin.id, job.id);
      assert.equal(through?.deziNummer, admin.deziNummer);
      assert.equal(through?.abonnee.abonneeNummer, a.abonneeNummer);
      // Another employment (at b, where the person is not appointed) administers nothing.
      assert.equal(await register.administeredThrough(admin.id, elsewhere.id), null);
      assert.equal(await register.isAbonneeAdministrator(b.id, admin.id), false);
      // Someone else's employment id does not lend its rights.
      const other = await person('Ander');
      assert.equal(await register.administeredThrough(other.id, job.id), null);
      // A suspended person, then a suspended abonnee: no administration while it lasts.
      await register.setPersonStatus(admin.id, 'suspended', OPERATOR);
      assert.deepEqual(await holds(), none);
      await register.setPersonStatus(admin.id, 'active', OPERATOR);
      assert.deepEqual(await holds(), yes);
      await register.setAbonneeStatus(a.id, 'suspended', OPERATOR);
      assert.deepEqual(await holds(), none);
      await register.setAbonneeStatus(a.id, 'active', OPERATOR);
      assert.deepEqual(await holds(), yes);
      // Ending the employment ends the administration at once; the appointment stays.
      await register.endEmployment(job.id, OPERATOR);
      assert.deepEqual(await holds(), none);
      assert.deepEqual(
        (await register.abonneeAdministrators(a.id)).map((x) => x.id),
        [admin.id],
      );
      // A future employment does not administer yet.
      const later = await register.createEmployment(
        { personId: admin.id, abonneeId: a.id, rolCode: null, rolCodeBron: null, startDate: '2999-01-01' },
        OPERATOR,
      );
      assert.equal(await register.isAbonneeAdministrator(a.id, admin.id), false);
      assert.equal(await register.administeredThrough(admin.id, later.id), null);
      // Malformed ids are "no", not an error.
      assert.equal(await register.isAbonneeAdministrator('nope', admin.id), false);
      assert.deepEqual(await register.administeredAbonnees('nope'), []);
      assert.equal(await register.administeredThrough(admin.id, 'nope'), null);
    });

    test('linked means: several per person, one preferred, unlink; never another person’s', async () => {
      const p = await person();
      const q = await person();
      const a = await register.linkMeans(p.id, 'yivi', `y-${p.deziNummer}`, OPERATOR);
      const b = await register.linkMeans(p.id, 'oidc-market', `o-${p.deziNummer}`, OPERATOR);
      await assert.rejects(register.linkMeans(q.id, 'yivi', `y-${p.deziNummer}`, OPERATOR), ConflictError);
      await register.setPreferredMeans(p.id, a.id, OPERATOR);
      await register.setPreferredMeans(p.id, b.id, OPERATOR);
      assert.deepEqual(
        (await register.listLinkedMeans(p.id)).map((m) => [m.meansId, m.preferred]),
        [
          ['yivi', false],
          ['oidc-market', true],
        ],
      );
      await assert.rejects(register.setPreferredMeans(q.id, a.id, OPERATOR), NotFoundError);
      await assert.rejects(register.unlinkMeans(q.id, a.id, OPERATOR), NotFoundError);
      await assert.rejects(register.unlinkMeans(p.id, 'not-a-uuid', OPERATOR), NotFoundError);
      await register.unlinkMeans(p.id, a.id, OPERATOR);
      assert.deepEqual(
        (await register.listLinkedMeans(p.id)).map((m) => m.id),
        [b.id],
      );
      assert.equal(
        await register.findPersonBySubject({ kind: 'linked', meansId: 'yivi', subject: `y-${p.deziNummer}` }),
        null,
      );
      // The subject is free again for whoever links it next.
      await register.linkMeans(q.id, 'yivi', `y-${p.deziNummer}`, OPERATOR);
    });

    test('the proeftuin BIG-register file: registrations by Dezi-nummer and beroep; bad files refused', async () => {
      const file = FileBigRegister.fromFile();
      const jansen = await file.registrationsOf({ deziNummer: '900010001', achternaam: 'Jansen' });
      assert.equal(holdsBigRole(jansen, '01.000'), true);
      assert.equal(holdsBigRole(jansen, '30.000'), false);
      assert.throws(() => new FileBigRegister('dezi_nummer,big_nummer,beroep\n12,3,4\n'), /line 2/);
      assert.throws(() => new FileBigRegister('nummer\n'), /header/);
    });

    test('the BIG-register file lists specialisms per beroep (optional fourth column); the old format still reads', async () => {
      const file = FileBigRegister.fromFile();
      const held = async (deziNummer: string) => file.registrationsOf({ deziNummer, achternaam: 'x' });
      assert.deepEqual(await held('900010001'), [{ beroep: '01', specialismen: ['01.015'] }]);
      assert.deepEqual(await held('900010011'), [{ beroep: '01', specialismen: ['01.047'] }]);
      assert.deepEqual(await held('900010012'), [], 'Bos holds no BIG registration');
      const jansen = await held('900010001');
      assert.equal(holdsBigRole(jansen, '01.015'), true, 'Jansen is huisarts');
      assert.equal(holdsBigRole(jansen, '01.010'), false, 'but no cardioloog');
      assert.equal(holdsBigRole(jansen, '01.047'), false);
      assert.equal(holdsBigRole(jansen, '17.060'), false, 'nor a specialism of another beroep');

      // The three-column format of before: beroepen only, so no specialism is held.
      const old = new FileBigRegister('dezi_nummer,big_nummer,beroep\r\n900000001,19000000001,01\r\n');
      const arts = await old.registrationsOf({ deziNummer: '900000001', achternaam: 'x' });
      assert.equal(holdsBigRole(arts, '01.000'), true);
      assert.equal(holdsBigRole(arts, '01.015'), false);

      // Several rows and several specialisms of one person add up; blank lines are skipped.
      const many = new FileBigRegister(
        [
          'dezi_nummer,big_nummer,beroep,specialismen',
          '900000002,19000000002,01,01.010;01.016',
          '',
          '900000002,59000000002,17, 17.060 ',
          '900000002,19000000002,01,01.041',
        ].join('\n'),
      );
      const specialist = await many.registrationsOf({ deziNummer: '900000002', achternaam: 'x' });
      for (const code of ['01.000', '01.010', '01.016', '01.041', '17.000', '17.060'])
        assert.equal(holdsBigRole(specialist, code), true, code);
      for (const code of ['01.015', '17.075', '30.000'])
        assert.equal(holdsBigRole(specialist, code), false, code);

      // A malformed line is refused with its line number (blank lines counted) and what is wrong.
      const header = 'dezi_nummer,big_nummer,beroep,specialismen';
      const refused: [string, RegExp][] = [
        ['900000003,19000000003,01,01.010\n\n900000004,19000000004,01', /line 4: expected 4 fields/],
        ['900000003,19000000003,01,01.010,extra', /line 2: expected 4 fields/],
        ['900000003,19000000003,01,cardioloog', /line 2: specialisme "cardioloog" is not a role code/],
        ['900000003,19000000003,01,01.010,01.015', /line 2: expected 4 fields/],
        ['900000003,19000000003,01,01.010 01.015', /line 2: specialisme "01.010 01.015"/],
        ['900000003,19000000003,01,01.010;', /line 2: specialisme ""/],
        ['900000003,19000000003,01,17.060', /line 2: specialisme 17\.060 does not belong to beroep 01/],
        ['900000003,19000000003,01,01.000', /line 2: 01\.000 is the beroep itself/],
        ['90000000,19000000003,01,', /line 2: dezi_nummer must be 9 digits/],
        ['900000003,1900000000,01,', /line 2: big_nummer must be 11 digits/],
        ['900000003,19000000003,1,', /line 2: beroep must be 2 digits/],
      ];
      for (const [lines, why] of refused)
        assert.throws(
          () => new FileBigRegister(`${header}\n${lines}\n`),
          (err: unknown) => {
            assert.ok(err instanceof BigRegisterError, String(err));
            assert.match(err.message, why);
            return true;
          },
        );
      assert.throws(
        () => new FileBigRegister('dezi_nummer,big_nummer,beroep\n900000003,19000000003,01,01.010\n'),
        /line 2: expected 3 fields/,
        'the three-column format has no specialisms',
      );
      assert.throws(() => new FileBigRegister('dezi_nummer,big_nummer,specialismen\n'), /header must be/);
      // From a file, the error names the file too.
      const dir = mkdtempSync(join(tmpdir(), 'dezi-big-'));
      const path = join(dir, 'big.csv');
      writeFileSync(path, `${header}\n900000003,19000000003,01,01.010\n900000003,19000000003,01,Q\n`);
      assert.throws(() => FileBigRegister.fromFile(path), new RegExp(`${path} line 3: specialisme "Q"`));
      assert.throws(() => bigRegisterFor({ mode: 'production', bigRegisterFile: path }), /line 3/);
      rmSync(dir, { recursive: true });
    });

    test('every BIG role of the proeftuin seed is held in the proeftuin BIG-register file', async () => {
      const file = FileBigRegister.fromFile();
      let checked = 0;
      for (const p of SEED_PERSONS)
        for (const e of p.employments) {
          if (!e.rolCode || !roleByCode(e.rolCode)?.big) continue;
          const held = await file.registrationsOf({ deziNummer: p.deziNummer, achternaam: p.achternaam });
          assert.ok(holdsBigRole(held, e.rolCode), `${p.achternaam} ${e.rolCode}`);
          checked++;
        }
      assert.ok(checked >= 10, `${checked} BIG employments checked`);
    });

    test('production without a BIG-register refuses BIG roles and records nothing; other roles work', async () => {
      assert.ok(bigRegisterFor({ mode: 'production' }) instanceof NoBigRegister);
      assert.ok(bigRegisterFor({ mode: 'proeftuin' }) instanceof FileBigRegister);
      const production = new Register(db, secrets, {
        big: bigRegisterFor({ mode: 'production' }),
        onInvalidated: revokeVerklaringen,
      });
      const p = await person();
      const a = await abonnee();
      await assert.rejects(
        production.createEmployment(
          { personId: p.id, abonneeId: a.id, rolCode: '01.015', rolCodeBron: 'big' },
          OPERATOR,
        ),
        (err: unknown) =>
          err instanceof RegisterError &&
          err.code === 'forbidden' &&
          /BIG-register cannot be checked/.test(err.message),
      );
      assert.equal((await production.employmentsOfPerson(p.id)).length, 0);
      const declared = await production.createEmployment(
        { personId: p.id, abonneeId: a.id, rolCode: '86.000', rolCodeBron: 'abonnee' },
        OPERATOR,
      );
      assert.equal(declared.rolCode, '86.000');
    });

    test('register writes and reads with an actor are audited, with who, what and on whose behalf', async () => {
      const p = await person('Audit');
      await register.findPersonByDeziNummer(p.deziNummer, {
        kind: 'operator',
        name: 'lezer',
        clientId: 'cli',
      });
      await register.findPersonByDeziNummer('999999999', { kind: 'operator', name: 'lezer' });
      const rows = await db.query<{
        actor: string;
        actor_kind: string;
        action: string;
        target: string;
        outcome: string;
        client_id: string | null;
      }>(
        `SELECT actor, actor_kind, action, target, outcome, client_id FROM audit_events
         WHERE target IN ($1, 'person:unknown') ORDER BY id`,
        [`person:${p.deziNummer}`],
      );
      assert.deepEqual(
        rows.map((r) => [r.actor, r.actor_kind, r.action, r.outcome, r.client_id]),
        [
          ['operator:beheerder', 'operator', 'register.person.create', 'success', null],
          ['operator:lezer', 'operator', 'register.person.read', 'success', 'cli'],
          ['operator:lezer', 'operator', 'register.person.read', 'failure', null],
        ],
      );
      const [issued] = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM audit_events WHERE action = 'verklaring.issue'",
      );
      const [revoked] = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM audit_events WHERE action = 'verklaring.revoke'",
      );
      assert.ok(Number(issued!.n) > 5);
      assert.ok(Number(revoked!.n) > 5);
    });

    test('the audit trail is append-only and its chain is intact', async () => {
      const [last] = await db.query<{ id: string }>('SELECT id FROM audit_events ORDER BY seq DESC LIMIT 1');
      await assert.rejects(
        db.query("UPDATE audit_events SET outcome = 'failure' WHERE id = $1", [last!.id]),
        /append-only/,
      );
      await assert.rejects(db.query('DELETE FROM audit_events WHERE id = $1', [last!.id]), /append-only/);
      await assert.rejects(db.query('TRUNCATE audit_events'), /append-only/);
      // Older callers pass the actor as a string; the signature still works.
      await recordAudit(db, {
        actor: '900010001',
        action: 'login',
        outcome: 'success',
        detail: { means: 'x' },
      });
      const result = await verifyAuditChain(db);
      assert.deepEqual(result.problems, []);
      assert.ok(result.records > 20);
      assert.equal(result.head?.seq, result.records);
    });

    test('concurrent appends keep one linear chain', async () => {
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          recordAudit(db, {
            actor: { kind: 'system' },
            action: 'test.parallel',
            outcome: 'success',
            detail: { i },
          }),
        ),
      );
      assert.deepEqual((await verifyAuditChain(db)).problems, []);
    });

    test('audit verify names a changed record and a deleted one', async () => {
      // An attacker with database rights switches the triggers off (session_replication_role).
      const tamper = async (sql: string, params: unknown[]) =>
        db.transaction(async (tx) => {
          await tx.query('SET LOCAL session_replication_role = replica');
          await tx.query(sql, params);
        });
      const rows = await db.query<{ seq: string }>('SELECT seq FROM audit_events ORDER BY seq LIMIT 10');
      const changed = Number(rows[3]!.seq);
      const deleted = Number(rows[6]!.seq);
      await tamper("UPDATE audit_events SET actor = 'operator:iemand-anders' WHERE seq = $1", [changed]);
      await tamper('DELETE FROM audit_events WHERE seq = $1', [deleted]);
      const result = await verifyAuditChain(db);
      assert.deepEqual(
        result.problems.map((p) => [p.seq, p.problem]),
        [
          [changed, 'changed'],
          [deleted + 1, 'deleted'],
        ],
      );
      assert.match(result.problems[1]!.message, new RegExp(`record ${deleted} is missing`));
      // A changed record whose hash was recomputed still breaks the link to its successor.
      await tamper(`UPDATE audit_events a SET hash = audit_record_hash(prev_hash, a) WHERE seq = $1`, [
        changed,
      ]);
      const again = await verifyAuditChain(db);
      assert.deepEqual(
        again.problems.map((p) => [p.seq, p.problem]),
        [
          [changed + 1, 'out_of_order'],
          [deleted + 1, 'deleted'],
        ],
      );
    });

    if (backend === 'postgres') {
      test('two Register instances on two pools: one person per BSN, distinct numbers, one chain', async () => {
        const second = await openDatabase(database.config);
        // Records from here on must chain cleanly (the earlier test tampered with old ones on purpose).
        const before = (await verifyAuditChain(db)).head!.seq;
        try {
          const other = new Register(second, secrets, { onInvalidated: revokeVerklaringen });
          const bsn = nextBsn();
          const reg = { bsn, voorletters: 'P.', voorvoegsel: null, achternaam: 'Pool', loaDezi: LOA.high };
          const same = await Promise.all(
            Array.from({ length: 10 }, (_, i) => (i % 2 ? register : other).registerPerson(reg, OPERATOR)),
          );
          assert.equal(new Set(same.map((p) => p.id)).size, 1);
          const many = await Promise.all(
            Array.from({ length: 40 }, (_, i) =>
              (i % 2 ? register : other).registerPerson(
                {
                  bsn: nextBsn(),
                  voorletters: 'P.',
                  voorvoegsel: null,
                  achternaam: `Pool${i}`,
                  loaDezi: LOA.high,
                },
                OPERATOR,
              ),
            ),
          );
          assert.equal(new Set(many.map((p) => p.deziNummer)).size, 40);
          const [dup] = await db.query<{ n: string }>(
            'SELECT count(*) AS n FROM (SELECT dezi_nummer FROM persons GROUP BY dezi_nummer HAVING count(*) > 1) d',
          );
          assert.equal(Number(dup!.n), 0);
          const chainProblems = (await verifyAuditChain(second)).problems.filter((p) => p.seq > before + 1);
          assert.deepEqual(chainProblems, []);
        } finally {
          await second.close();
        }
      });
    }
  });
}
