// Several instances on one database serve one Dezi: every HTTP step of a login may land on a different
// instance, and a key rotation made through one is used and published by the other without a restart.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { rotateSigningKey } from '../src/oidc/keys.ts';
import { DEFAULT_OPS } from '../src/ops/config.ts';
import { BACKENDS, openTestDatabase } from './helpers/dezi.ts';
import { startCluster, type Cluster } from './helpers/instances.ts';
import { login } from './helpers/login.ts';
import { fetchUserinfo, redeem, registerRp, type TestRp } from './helpers/rp.ts';

const ACTIVE = SEED_PERSONS.filter((p) => p.status === 'active' && p.employments.length > 0);
const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!;

for (const backend of BACKENDS)
  describe(`two instances on one database (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let cluster: Cluster;
    let rp: TestRp;

    before(async () => {
      database = await openTestDatabase(backend);
      // PGlite is one process's database: the instances share its handle. PostgreSQL: a pool each.
      cluster = await startCluster(2, {
        ...(backend === 'pglite' ? { db: database.db } : { database: database.config }),
        // Poll for key changes every second (default 5 s) so that the test is short.
        config: { logLevel: 'warn', ops: { ...DEFAULT_OPS, keyPollSeconds: 1 } },
      });
      rp = await registerRp(cluster.issuer);
    });

    after(async () => {
      await cluster?.stop();
      await database?.close();
    });

    async function fullLogin(bsn: string) {
      const out = await login(rp, bsn);
      assert.equal(
        out.final.status,
        303,
        `login stopped at ${out.final.url}: ${out.final.body.slice(0, 300)}`,
      );
      const tokens = await redeem(rp, out.final.location!, out.request);
      const info = await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub);
      return { out, tokens, info };
    }

    test('logins whose every step goes to a random instance all succeed', async () => {
      const before = [...cluster.balancer.hits];
      const people = [AMRANI, ...ACTIVE.slice(0, 7)];
      const results = await Promise.allSettled(people.map((p) => fullLogin(p.bsn)));
      const failures = results.filter((r) => r.status === 'rejected');
      assert.deepEqual(
        failures.map((f) => String((f as PromiseRejectedResult).reason)),
        [],
        'every login succeeds',
      );
      for (const [n, r] of results.entries()) {
        const { info } = (r as PromiseFulfilledResult<Awaited<ReturnType<typeof fullLogin>>>).value;
        assert.equal(info.verklaring.dezi_nummer, people[n]!.deziNummer);
      }
      // Both instances served a fair share of the steps.
      const served = cluster.balancer.hits.map((h, k) => h - before[k]!);
      for (const s of served) assert.ok(s > 10, `each instance served steps: ${served.join(', ')}`);
    });

    test('a key rotation through one instance is used and published by the other without a restart', async () => {
      const [a, b] = cluster.instances as [(typeof cluster.instances)[0], (typeof cluster.instances)[0]];
      const oldKid = b.keyRing.keys.current.kid;
      const newKid = await rotateSigningKey(a.db, a.secrets, 3600);
      assert.notEqual(newKid, oldKid);
      // Each instance polls the key version (DEZI_KEY_POLL_SECONDS; 1 s here).
      const deadline = Date.now() + 15_000;
      while (
        (a.keyRing.keys.current.kid !== newKid || b.keyRing.keys.current.kid !== newKid) &&
        Date.now() < deadline
      )
        await new Promise((r) => setTimeout(r, 200));
      assert.equal(a.keyRing.keys.current.kid, newKid, 'instance a signs with the new key');
      assert.equal(b.keyRing.keys.current.kid, newKid, 'instance b signs with the new key');

      for (const d of cluster.instances) {
        const jwks = (await (await fetch(`http://127.0.0.1:${d.config.port}/jwks`)).json()) as {
          keys: { kid: string }[];
        };
        const kids = jwks.keys.map((k) => k.kid);
        assert.ok(kids.includes(newKid) && kids.includes(oldKid), `both keys published: ${kids.join(', ')}`);
      }
      const { tokens, info } = await fullLogin(ACTIVE[1]!.bsn);
      assert.equal(decodeProtectedHeader(tokens.id_token!).kid, newKid, 'ID token signed with the new key');
      assert.equal(info.envelopeHeader.kid, newKid, 'userinfo envelope signed with the new key');
    });
  });
