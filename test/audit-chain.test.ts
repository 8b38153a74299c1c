// The audit trail's hash chain, built in batches off the insert path (migration 011): inserts take no
// lock and are chained later, in an order the chainer assigns; several instances chain in turn; what
// is not chained yet is pending, not broken; tampering with a chained record is found; and the
// database still refuses every change but the chaining itself.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chainAudit, recordAudit, verifyAuditChain } from '../src/audit/audit.ts';
import { AuditChainer } from '../src/audit/chainer.ts';
import { openDatabase, type Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { BACKENDS, openTestDatabase } from './helpers/dezi.ts';

const quiet = { warn: () => undefined, info: () => undefined };

const write = (db: Database, action: string, i = 0) =>
  recordAudit(db, { actor: { kind: 'system' }, action, outcome: 'success', detail: { i } });

/** As an attacker with database rights would: the triggers switched off for one transaction. */
const tamper = (db: Database, sql: string, params: unknown[] = []) =>
  db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(sql, params);
  });

for (const backend of BACKENDS) {
  describe(`audit chain in batches (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let db: Database;
    before(async () => {
      database = await openTestDatabase(backend);
      db = database.db;
      await migrate(db);
    });
    after(async () => {
      await database?.close();
    });

    test('an insert is stored unchained; the chain columns it sets itself are ignored', async () => {
      await db.query(
        `INSERT INTO audit_events (actor, action, outcome, seq, prev_hash, hash)
         VALUES ('system', 'test.forged', 'success', 424242, 'x', 'y')`,
      );
      const [row] = await db.query<{ seq: string | null; hash: string | null }>(
        "SELECT seq, hash FROM audit_events WHERE action = 'test.forged'",
      );
      assert.deepEqual(row, { seq: null, hash: null });
    });

    test('the unchained tail is reported as pending, not as broken; verify chains it', async () => {
      await chainAudit(db, { wait: true });
      for (let i = 0; i < 5; i++) await write(db, 'test.pending', i);
      const unchained = await verifyAuditChain(db, { chain: false });
      assert.deepEqual(unchained.problems, []);
      assert.equal(unchained.pending, 5);
      const chained = await verifyAuditChain(db);
      assert.deepEqual(chained.problems, []);
      assert.equal(chained.pending, 0);
      assert.equal(chained.records, unchained.records + 5);
      assert.equal(chained.head?.seq, chained.records);
      // Chained in the order they were written.
      const rows = await db.query<{ i: number }>(
        "SELECT (detail->>'i')::int AS i FROM audit_events WHERE action = 'test.pending' ORDER BY seq",
      );
      assert.deepEqual(
        rows.map((r) => r.i),
        [0, 1, 2, 3, 4],
      );
    });

    test('only chaining may update a record; DELETE and TRUNCATE are refused', async () => {
      await write(db, 'test.guard');
      const [row] = await db.query<{ id: string }>("SELECT id FROM audit_events WHERE action = 'test.guard'");
      const id = row!.id;
      // Unchained: its content may not change, not even together with its chain columns.
      await assert.rejects(
        db.query("UPDATE audit_events SET outcome = 'failure' WHERE id = $1", [id]),
        /append-only/,
      );
      await assert.rejects(
        db.query(
          `UPDATE audit_events a SET outcome = 'failure', seq = 999999, hash = audit_record_hash(NULL, a) WHERE id = $1`,
          [id],
        ),
        /append-only/,
      );
      // Chaining with a hash that does not match the record is refused too.
      await assert.rejects(
        db.query(`UPDATE audit_events SET seq = 999999, hash = 'not the hash' WHERE id = $1`, [id]),
        /append-only/,
      );
      await assert.rejects(db.query('DELETE FROM audit_events WHERE id = $1', [id]), /append-only/);
      await chainAudit(db, { wait: true });
      // Chained: nothing changes any more, the chain columns included.
      await assert.rejects(
        db.query('UPDATE audit_events SET seq = seq + 1000000 WHERE id = $1', [id]),
        /append-only/,
      );
      await assert.rejects(db.query('TRUNCATE audit_events'), /append-only/);
      assert.deepEqual((await verifyAuditChain(db)).problems, []);
    });

    test('a record changed after it was chained is found', async () => {
      for (let i = 0; i < 3; i++) await write(db, 'test.tamper', i);
      await chainAudit(db, { wait: true });
      const [row] = await db.query<{ seq: string }>(
        "SELECT seq FROM audit_events WHERE action = 'test.tamper' ORDER BY seq LIMIT 1 OFFSET 1",
      );
      const seq = Number(row!.seq);
      await tamper(db, `UPDATE audit_events SET detail = '{"i": 7}' WHERE seq = $1`, [seq]);
      // A record written after the change is chained onto the changed one: that does not hide it.
      await write(db, 'test.after-tamper');
      const result = await verifyAuditChain(db);
      assert.deepEqual(
        result.problems.map((p) => [p.seq, p.problem]),
        [[seq, 'changed']],
      );
      assert.equal(result.pending, 0);
      // Put back, so that the tests after this one start from an intact chain.
      await tamper(db, `UPDATE audit_events SET detail = '{"i": 1}' WHERE seq = $1`, [seq]);
      assert.deepEqual((await verifyAuditChain(db)).problems, []);
    });

    test('the background chainer chains within its interval and on close', async () => {
      const chainer = new AuditChainer(db, quiet, 50);
      chainer.start();
      try {
        await write(db, 'test.background');
        const deadline = Date.now() + 5000;
        while ((await verifyAuditChain(db, { chain: false })).pending > 0) {
          assert.ok(Date.now() < deadline, 'chained within the interval');
          await new Promise((r) => setTimeout(r, 20));
        }
      } finally {
        await chainer.close();
      }
      await write(db, 'test.close');
      const closing = new AuditChainer(db, quiet, 60_000);
      await closing.close();
      assert.equal((await verifyAuditChain(db, { chain: false })).pending, 0);
    });

    if (backend === 'postgres') {
      test('two instances writing and chaining at once extend one intact chain', async () => {
        const second = await openDatabase(database.config);
        const chainers = [new AuditChainer(db, quiet, 5), new AuditChainer(second, quiet, 5)];
        const before = await verifyAuditChain(db);
        try {
          for (const c of chainers) c.start();
          // Eight writers per instance at a time: concurrent, without queueing for a pool connection.
          await Promise.all(
            Array.from({ length: 16 }, async (_, w) => {
              for (let i = w; i < 400; i += 16) await write(i % 2 ? db : second, 'test.two-instances', i);
            }),
          );
        } finally {
          await Promise.all(chainers.map((c) => c.close()));
        }
        const result = await verifyAuditChain(second, { chain: false });
        assert.deepEqual(result.problems, []);
        assert.equal(result.pending, 0);
        assert.equal(result.records, before.records + 400);
        const [n] = await db.query<{ n: number }>(
          "SELECT count(DISTINCT seq)::int AS n FROM audit_events WHERE action = 'test.two-instances'",
        );
        assert.equal(n!.n, 400);
        await second.close();
      });

      test('a record that commits after a later one is chained after it; the chain holds', async () => {
        const second = await openDatabase(database.config);
        try {
          let release!: () => void;
          const held = new Promise<void>((r) => (release = r));
          let inserted!: () => void;
          const insertedEarly = new Promise<void>((r) => (inserted = r));
          // The early record takes its id first but commits last.
          const early = second.transaction(async (tx) => {
            await tx.query(
              "INSERT INTO audit_events (actor, action, outcome) VALUES ('system', 'test.early', 'success')",
            );
            inserted();
            await held;
          });
          await insertedEarly;
          await write(db, 'test.late');
          await chainAudit(db, { wait: true });
          release();
          await early;
          const pending = await verifyAuditChain(db, { chain: false });
          assert.deepEqual(pending.problems, []);
          assert.equal(pending.pending, 1);
          const result = await verifyAuditChain(db);
          assert.deepEqual(result.problems, []);
          const rows = await db.query<{ action: string; id: string; seq: string }>(
            "SELECT action, id, seq FROM audit_events WHERE action IN ('test.early', 'test.late') ORDER BY seq",
          );
          assert.deepEqual(
            rows.map((r) => r.action),
            ['test.late', 'test.early'],
          );
          assert.ok(Number(rows[1]!.id) < Number(rows[0]!.id), 'the early record has the lower id');
        } finally {
          await second.close();
        }
      });

      test('a chainer that finds another chaining leaves the work to it', async () => {
        const second = await openDatabase(database.config);
        try {
          await write(db, 'test.busy');
          let release!: () => void;
          const held = new Promise<void>((r) => (release = r));
          let locked!: () => void;
          const isLocked = new Promise<void>((r) => (locked = r));
          const holder = second.transaction(async (tx) => {
            await tx.query('SELECT pg_advisory_xact_lock(7347713)');
            locked();
            await held;
          });
          await isLocked;
          assert.equal(await chainAudit(db, { wait: false }), null);
          assert.equal((await verifyAuditChain(db, { chain: false })).pending, 1);
          release();
          await holder;
          assert.equal(await chainAudit(db, { wait: false }), 1);
        } finally {
          await second.close();
        }
      });
    }
  });
}
