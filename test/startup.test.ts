// Two instances started at the same moment on a fresh PostgreSQL database, as two processes would be
// (in this one test process, but each with a database pool of its own, no shared handle): both come
// up, every time, and whatever the first start creates (migrations, the signing key, the proeftuin
// seed, the TEST UZI PKI in a shared data directory) is there exactly once.
// PostgreSQL only: PGlite is one process's database, two processes cannot open it at once.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import type { DeziConfig, Mode } from '../src/config.ts';
import { listMigrations } from '../src/db/migrate.ts';
import { ID_TOKEN_ALGS } from '../src/oidc/keys.ts';
import { verifyAuditChain } from '../src/audit/audit.ts';
import { SEED_ABONNEES, SEED_ADMINS, SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { STAND_IN_ACCOUNTS } from '../src/proeftuin/oidc-means-op.ts';
import { EIDAS_TEST_IDENTITIES } from '../src/proeftuin/eidas-identities.ts';
import {
  freePort,
  startDezi,
  testDatabaseConfig,
  uziPasListenerConfig,
  type TestDezi,
} from './helpers/dezi.ts';
import { testEsealFiles } from './helpers/eseal.ts';

const POSTGRES = process.env.DEZI_TEST_DATABASE_URL;
if (!POSTGRES && process.env.CI)
  throw new Error('CI: DEZI_TEST_DATABASE_URL is required for the concurrent start test');
const SKIP = POSTGRES ? false : 'DEZI_TEST_DATABASE_URL is not set (the test needs a PostgreSQL server)';

/** Two distinct free loopback ports. */
async function twoPorts(): Promise<[number, number]> {
  const a = await freePort();
  let b = await freePort();
  while (b === a) b = await freePort();
  return [a, b];
}

/** Starts two instances on one fresh database at the same moment, checks that both serve, then runs check. */
async function startTwoAtOnce(
  mode: Mode,
  round: number,
  check: (db: pg.Client, instances: TestDezi[]) => Promise<void>,
  configFor: () => Promise<Partial<DeziConfig>> = async () => ({}),
): Promise<void> {
  const { config: database, drop } = await testDatabaseConfig('postgres');
  if (database.kind !== 'postgres') throw new Error('a PostgreSQL database was asked for');
  const ports = await twoPorts();
  const configs = [await configFor(), await configFor()];
  const started = await Promise.allSettled(
    ports.map((port, i) => startDezi({ port, database, config: { mode, logLevel: 'warn', ...configs[i] } })),
  );
  const instances = started
    .filter((s): s is PromiseFulfilledResult<TestDezi> => s.status === 'fulfilled')
    .map((s) => s.value);
  const client = new pg.Client({ connectionString: database.url });
  try {
    assert.deepEqual(
      started
        .filter((s): s is PromiseRejectedResult => s.status === 'rejected')
        .map((s) => String((s.reason as Error).message ?? s.reason)),
      [],
      `${mode}, round ${round}: both instances start`,
    );
    for (const d of instances) {
      const ready = await fetch(`${d.url}/readyz`);
      assert.equal(ready.status, 200, `${mode}, round ${round}: ${d.url}/readyz: ${await ready.text()}`);
      const discovery = await fetch(`${d.url}/.well-known/openid-configuration`);
      assert.equal(discovery.status, 200, `${mode}, round ${round}: discovery at ${d.url}`);
      assert.equal(((await discovery.json()) as { issuer: string }).issuer, d.url);
    }
    await client.connect();
    await check(client, instances);
  } finally {
    for (const d of instances) await d.stop();
    await client.end().catch(() => undefined);
    await drop();
  }
}

async function count(db: pg.Client, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params);
  return Number(rows[0]!.n);
}

/** What every first start creates, whatever the mode: the migrations, one signing key per algorithm, one eSeal. */
async function checkBookkeeping(db: pg.Client, label: string): Promise<void> {
  assert.equal(await count(db, 'schema_migrations'), listMigrations().length, `${label}: migrations once`);
  // One current key per id_token algorithm (RS256, PS256, ES256): none created twice by the two starts.
  for (const alg of ID_TOKEN_ALGS)
    assert.equal(
      await count(db, 'signing_keys WHERE retired_at IS NULL AND alg = $1', [alg]),
      1,
      `${label}: one current ${alg} signing key`,
    );
  assert.equal(
    await count(db, 'signing_keys WHERE retired_at IS NULL'),
    ID_TOKEN_ALGS.length,
    `${label}: no other current signing key`,
  );
  assert.equal(await count(db, 'eseal_certificates'), 1, `${label}: the eSeal is registered once`);
  const chain = await verifyAuditChain({
    query: async <T>(sql: string, params?: unknown[]) => (await db.query(sql, params)).rows as T[],
  });
  assert.deepEqual(chain.problems, [], `${label}: the audit chain is intact`);
}

test(
  'proeftuin: two instances started at once on a fresh PostgreSQL database both come up, the seed exists once (5 rounds)',
  { skip: SKIP, timeout: 300_000 },
  async () => {
    const employments = SEED_PERSONS.reduce((n, p) => n + p.employments.length, 0);
    const linked =
      STAND_IN_ACCOUNTS.filter((a) => a.linkedBsn).length +
      EIDAS_TEST_IDENTITIES.filter((i) => i.linkedTo).length;
    for (let round = 1; round <= 5; round++) {
      // One data directory for both, as for two processes on one host: the TEST UZI PKI is made there.
      const dataDir = mkdtempSync(join(tmpdir(), 'dezi-startup-'));
      const configFor = async (): Promise<Partial<DeziConfig>> => ({
        dataDir,
        uziPas: { ...uziPasListenerConfig(await freePort()), testPkiDir: join(dataDir, 'uzi-pas') },
      });
      const check = async (db: pg.Client, instances: TestDezi[]) => {
        const label = `proeftuin, round ${round}`;
        await checkBookkeeping(db, label);
        assert.equal(await count(db, 'abonnees'), SEED_ABONNEES.length, `${label}: abonnees once`);
        assert.equal(await count(db, 'persons'), SEED_PERSONS.length, `${label}: persons once`);
        assert.equal(await count(db, 'employments'), employments, `${label}: employments once`);
        assert.equal(
          await count(db, 'abonnee_administrators'),
          SEED_ADMINS.length,
          `${label}: administrators once`,
        );
        assert.equal(await count(db, 'linked_means'), linked, `${label}: stand-in accounts linked once`);
        assert.equal(
          await count(db, 'saml_keys'),
          4,
          `${label}: one SP key and one stand-in IdP key for DigiD and for eIDAS`,
        );
        // The seed was written once, not written twice with one copy refused.
        for (const [action, n] of [
          ['register.abonnee.create', SEED_ABONNEES.length],
          ['register.person.create', SEED_PERSONS.length],
          ['register.abonnee.add_administrator', SEED_ADMINS.length],
        ] as const)
          assert.equal(await count(db, 'audit_events WHERE action = $1', [action]), n, `${label}: ${action}`);
        // Both trust the one TEST UZI root that is in the data directory.
        const stored = JSON.parse(readFileSync(join(dataDir, 'uzi-pas', 'pki.json'), 'utf8')) as {
          root: { certPem: string };
        };
        assert.deepEqual(
          readdirSync(join(dataDir, 'uzi-pas')).filter((f) => f.startsWith('pki.json.')),
          [],
          `${label}: nothing left over beside pki.json`,
        );
        for (const d of instances) {
          const res = await fetch(`${d.url}/proeftuin/uzi-pas/ca/root.pem`);
          assert.equal(res.status, 200);
          assert.equal(
            await res.text(),
            stored.root.certPem,
            `${label}: ${d.url} uses the stored TEST UZI root`,
          );
        }
      };
      try {
        await startTwoAtOnce('proeftuin', round, check, configFor);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  },
);

test(
  'production: two instances started at once on a fresh PostgreSQL database both come up (3 rounds)',
  { skip: SKIP, timeout: 300_000 },
  async () => {
    // Both instances read the same eSeal files, as instances deployed from one configuration do.
    const eseal = await testEsealFiles();
    for (let round = 1; round <= 3; round++) {
      await startTwoAtOnce(
        'production',
        round,
        async (db) => {
          await checkBookkeeping(db, `production, round ${round}`);
          assert.equal(await count(db, 'persons'), 0, 'production seeds nothing');
        },
        async () => ({ registrationToken: null, eseal }),
      );
    }
  },
);
