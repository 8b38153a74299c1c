// The storage adapter reads the interaction, session and grant once per request: a second read in the
// same request comes from what the request read or wrote, never across requests, and never for codes,
// tokens or replay detection (whose single use must reach the database).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Database } from '../src/db/database.ts';
import { DatabaseAdapter, withRequestReads } from '../src/oidc/adapter.ts';

/** A database that answers every SELECT with the last payload written for that id, and counts. */
function fakeDb() {
  const rows = new Map<string, string>();
  const statements: string[] = [];
  const db = {
    kind: 'pglite',
    async query(sql: string, params: unknown[] = []) {
      statements.push(sql.split(' ')[0]!);
      if (sql.startsWith('INSERT')) rows.set(`${params[0]}:${params[1]}`, params[2] as string);
      if (sql.startsWith('DELETE')) rows.delete(`${params[0]}:${params[1]}`);
      if (sql.startsWith('SELECT')) {
        const json = rows.get(`${params[0]}:${params[1]}`);
        return json ? [{ payload: json, consumed_at: null, expires_at: null }] : [];
      }
      return [];
    },
  } as unknown as Database;
  return { db, statements };
}

/** Runs fn as the rest of one request, as the Fastify preHandler hook does. */
const inRequest = <T>(fn: () => Promise<T>) =>
  new Promise<T>((resolve, reject) => withRequestReads(null, null, () => void fn().then(resolve, reject)));

test('an interaction read twice in one request is read from the database once, as a fresh copy', async () => {
  const { db, statements } = fakeDb();
  const interactions = new DatabaseAdapter('Interaction', db);
  await interactions.upsert('i1', { kind: 'Interaction', params: { a: 1 } } as never, 60);
  statements.length = 0;
  await inRequest(async () => {
    const first = await interactions.find('i1');
    (first as { params: { a: number } }).params.a = 2; // a caller's change does not leak into the copy
    const second = await interactions.find('i1');
    assert.deepEqual((second as { params: unknown }).params, { a: 1 });
  });
  assert.deepEqual(statements, ['SELECT']);
  // The next request reads again.
  await inRequest(() => interactions.find('i1'));
  assert.deepEqual(statements, ['SELECT', 'SELECT']);
});

test('what a request wrote is what it reads next; a destroy is not answered from memory', async () => {
  const { db, statements } = fakeDb();
  const interactions = new DatabaseAdapter('Interaction', db);
  await inRequest(async () => {
    await interactions.upsert('i2', { kind: 'Interaction', result: { x: 1 } } as never, 60);
    assert.deepEqual((await interactions.find('i2'))?.result, { x: 1 });
    await interactions.destroy('i2');
    assert.equal(await interactions.find('i2'), undefined);
  });
  assert.deepEqual(statements, ['INSERT', 'DELETE', 'SELECT']);
});

test('codes and replay detection always reach the database; outside a request nothing is kept', async () => {
  const { db, statements } = fakeDb();
  const codes = new DatabaseAdapter('AuthorizationCode', db);
  const interactions = new DatabaseAdapter('Interaction', db);
  await inRequest(async () => {
    await codes.find('c1');
    await codes.find('c1');
  });
  await interactions.find('i3');
  await interactions.find('i3');
  assert.deepEqual(statements, ['SELECT', 'SELECT', 'SELECT', 'SELECT']);
});
