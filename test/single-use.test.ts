// The one store for one-time state: a value is taken at most once, never after it expired, only with
// its own key and namespace, and the key itself is not stored.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { migrate } from '../src/db/migrate.ts';
import { keyHash, SingleUseStore } from '../src/db/single-use.ts';
import { BACKENDS, openTestDatabase } from './helpers/dezi.ts';

for (const backend of BACKENDS)
  describe(`single-use store (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    before(async () => {
      database = await openTestDatabase(backend);
      await migrate(database.db);
    });
    after(async () => database?.close());

    test('taken once: the second take, and a take with another key or namespace, find nothing', async () => {
      const a = new SingleUseStore<{ n: number }>(database.db, 'test.a', 60);
      const b = new SingleUseStore<{ n: number }>(database.db, 'test.b', 60);
      await a.put('key-1', { n: 1 });
      assert.equal(await b.take('key-1'), null);
      assert.equal(await a.take('key-2'), null);
      assert.deepEqual(await a.peek('key-1'), { n: 1 });
      const [first, second] = await Promise.all([a.take('key-1'), a.take('key-1')]);
      assert.deepEqual([first, second].filter(Boolean), [{ n: 1 }]);
      assert.equal(await a.take('key-1'), null);
    });

    test('a take that names fields takes only a value holding them, and leaves it otherwise', async () => {
      const s = new SingleUseStore<{ login: string; n: number }>(database.db, 'test.match', 60);
      await s.put('handle', { login: 'a', n: 1 });
      assert.equal(await s.take('handle', { login: 'b' }), null);
      assert.deepEqual(await s.take('handle', { login: 'a' }), { login: 'a', n: 1 });
      assert.equal(await s.take('handle', { login: 'a' }), null);
    });

    test('an expired value is neither read nor taken, and the purge removes it', async () => {
      const s = new SingleUseStore<string>(database.db, 'test.expiry', 60);
      await s.put('old', 'value', { ttlSeconds: -1 });
      await s.put('new', 'value');
      assert.equal(await s.peek('old'), null);
      assert.equal(await s.take('old'), null);
      await s.put('older', 'value', { ttlSeconds: -1 });
      await SingleUseStore.purge(database.db);
      const rows = await database.db.query<{ key_hash: string }>(
        "SELECT key_hash FROM single_use WHERE namespace = 'test.expiry'",
      );
      assert.deepEqual(
        rows.map((r) => r.key_hash),
        [keyHash('new')],
      );
    });

    test('the key is stored only as its hash', async () => {
      const s = new SingleUseStore<string>(database.db, 'test.secret', 60);
      await s.put('a-bearer-secret', 'v');
      const rows = await database.db.query<{ t: string }>(
        'SELECT row_to_json(s)::text AS t FROM single_use s',
      );
      assert.ok(!rows.some((r) => r.t.includes('a-bearer-secret')));
    });
  });
