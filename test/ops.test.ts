// Staying up: liveness and readiness, Prometheus metrics, rate limits that hold across instances, and
// a clear 503 (a page for people, JSON for programs) whenever the database cannot be reached.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SignJWT, generateKeyPair } from 'jose';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import {
  DatabaseUnavailableError,
  isUnavailable,
  statementCount,
  type Database,
} from '../src/db/database.ts';
import { DEFAULT_OPS, loadOpsConfig, type OpsConfig } from '../src/ops/config.ts';
import { BACKENDS, openTestDatabase, REGISTRATION_TOKEN, startDezi, type TestDezi } from './helpers/dezi.ts';
import { testEsealFiles } from './helpers/eseal.ts';
import { startCluster, type Cluster } from './helpers/instances.ts';
import { Browser } from './helpers/browser.ts';
import { login, startLogin } from './helpers/login.ts';
import { authorizationRequest, keyMaterial, redeem, registerRp } from './helpers/rp.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

function ops(o: Partial<OpsConfig['rateLimits']> = {}, extra: Partial<OpsConfig> = {}): OpsConfig {
  return { ...DEFAULT_OPS, ...extra, rateLimits: { ...DEFAULT_OPS.rateLimits, ...o } };
}

/** A database handle that can be made to fail as an unreachable server does. */
function breakable(db: Database): { db: Database; set(broken: boolean): void } {
  let broken = false;
  const fail = () => {
    throw new DatabaseUnavailableError(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    );
  };
  const wrapped: Database = {
    kind: db.kind,
    query: (sql, params) => (broken ? Promise.reject(fail()) : db.query(sql, params)),
    exec: (sql) => (broken ? Promise.reject(fail()) : db.exec(sql)),
    transaction: (fn) => (broken ? Promise.reject(fail()) : db.transaction(fn)),
    poolStats: () => db.poolStats(),
    close: () => db.close(),
  };
  return { db: wrapped, set: (b) => void (broken = b) };
}

async function register(issuer: string) {
  const { jwks } = await keyMaterial();
  return fetch(`${issuer}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${REGISTRATION_TOKEN}` },
    body: JSON.stringify({
      client_name: 'Limit test',
      redirect_uris: ['https://zorgapp.test/callback'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks,
    }),
  });
}

test('operational settings come from the environment and bad values are refused', () => {
  const o = loadOpsConfig({ DEZI_RATE_LIMIT_TOKEN_PER_CLIENT: '10', DEZI_METRICS_TOKEN: METRICS_TOKEN });
  assert.equal(o.rateLimits.tokenPerClient, 10);
  assert.equal(o.rateLimits.loginPerAddress, DEFAULT_OPS.rateLimits.loginPerAddress);
  assert.equal(o.metricsToken, METRICS_TOKEN);
  assert.throws(() => loadOpsConfig({ DEZI_RATE_LIMIT_LOGIN_PER_ADDRESS: '-1' }), /integer ≥ 0/);
  assert.throws(() => loadOpsConfig({ DEZI_RATE_LIMIT_WINDOW: '0' }), /≥ 1/);
  assert.throws(() => loadOpsConfig({ DEZI_METRICS_TOKEN: 'short' }), /at least 16/);
});

test('database errors that mean "not reachable" are told apart from query errors', () => {
  for (const code of ['ECONNREFUSED', 'ECONNRESET', '08006', '57P01', '57P03', '53300', '57014'])
    assert.ok(isUnavailable(Object.assign(new Error('x'), { code })), code);
  assert.ok(isUnavailable(new Error('timeout exceeded when trying to connect')));
  assert.ok(isUnavailable(new Error('Connection terminated unexpectedly')));
  for (const code of ['23505', '42P01', '22P02', '40001'])
    assert.ok(!isUnavailable(Object.assign(new Error('x'), { code })), code);
  assert.ok(!isUnavailable(new Error('something else')));
});

for (const backend of BACKENDS)
  test(`every statement sent to the database is counted, a transaction's BEGIN and COMMIT or ROLLBACK too (${backend})`, async () => {
    // Before any Dezi runs in this process: nothing else queries meanwhile, so the counts are exact.
    const database = await openTestDatabase(backend);
    try {
      const { db } = database;
      let n = statementCount();
      const counted = () => statementCount() - n;
      await db.query('SELECT 1');
      assert.equal(counted(), 1);
      n = statementCount();
      await db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        await tx.exec('SELECT 2');
      });
      assert.equal(counted(), 4, 'BEGIN, two statements, COMMIT');
      n = statementCount();
      await assert.rejects(db.query('SELECT * FROM no_such_table'));
      assert.equal(counted(), 1, 'a refused statement was still sent');
      n = statementCount();
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query('SELECT 1');
          throw new Error('rolled back');
        }),
      );
      assert.equal(counted(), 3, 'BEGIN, one statement, ROLLBACK');
    } finally {
      await database.close();
    }
  });

for (const backend of BACKENDS) {
  describe(`health, readiness and metrics (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let dezi: TestDezi;
    let fault: ReturnType<typeof breakable>;

    before(async () => {
      database = await openTestDatabase(backend);
      fault = breakable(database.db);
      dezi = await startDezi({ db: fault.db, config: { logLevel: 'warn' } });
    });
    after(async () => {
      await dezi?.stop();
      await database?.close();
    });

    test('/healthz and /readyz answer 200 when all is well', async () => {
      const health = await fetch(`${dezi.url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const ready = await fetch(`${dezi.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), {
        status: 'ready',
        checks: { shutdown: 'ok', database: 'ok', keys: 'ok' },
      });
    });

    test('/readyz fails when a migration this code knows is not applied', async () => {
      await database.db.query("DELETE FROM schema_migrations WHERE name = '009_ops.sql'");
      try {
        const ready = await fetch(`${dezi.url}/readyz`);
        assert.equal(ready.status, 503);
        assert.equal(
          ((await ready.json()) as { checks: { database: string } }).checks.database,
          'migrations not applied',
        );
      } finally {
        await database.db.query("INSERT INTO schema_migrations (name) VALUES ('009_ops.sql')");
      }
    });

    test('while the database is unreachable: 503 with Retry-After, a page for people, JSON for programs', async () => {
      const rp = await registerRp(dezi.url);
      const browser = new Browser();
      const { page } = await startLogin(browser, rp);
      assert.equal(page.status, 200);
      const authUrl = (await authorizationRequest(rp)).url;
      fault.set(true);
      try {
        assert.equal((await fetch(`${dezi.url}/healthz`)).status, 200, 'alive all the same');
        const ready = await fetch(`${dezi.url}/readyz`);
        assert.equal(ready.status, 503);
        assert.equal(
          ((await ready.json()) as { checks: { database: string } }).checks.database,
          'database unreachable',
        );

        // Dezi's own page (the login interaction): a readable page.
        const interaction = await browser.request(page.url);
        assert.equal(interaction.status, 503);
        assert.equal(interaction.headers['retry-after'], '5');
        assert.match(interaction.body, /Dezi is even niet beschikbaar/);
        assert.doesNotMatch(interaction.body, /at \w+ \(|Error:/);

        // oidc-provider's endpoint (authorization): the same page, not a 500.
        const authorize = await new Browser().request(authUrl);
        assert.equal(authorize.status, 503);
        assert.equal(authorize.headers['retry-after'], '5');
        assert.match(authorize.body, /Dezi is even niet beschikbaar/);

        // Programs: the token endpoint and userinfo answer JSON.
        const token = await fetch(`${dezi.url}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=authorization_code&code=x&client_id=' + rp.clientId,
        });
        assert.equal(token.status, 503);
        assert.equal(((await token.json()) as { error: string }).error, 'temporarily_unavailable');
        const userinfo = await fetch(`${dezi.url}/userinfo`, { headers: { authorization: 'Bearer abc' } });
        assert.equal(userinfo.status, 503);
        assert.equal(userinfo.headers.get('retry-after'), '5');
        assert.deepEqual(Object.keys((await userinfo.json()) as object).sort(), [
          'error',
          'error_description',
        ]);
      } finally {
        fault.set(false);
      }
      // Back: the same login goes on, no restart.
      const done = await login(rp, JANSEN.bsn);
      assert.equal(done.final.status, 303);
      assert.equal((await fetch(`${dezi.url}/readyz`)).status, 200);
    });

    test('/metrics counts logins per means and outcome, step latencies and verklaringen', async () => {
      const rp = await registerRp(dezi.url);
      const out = await login(rp, JANSEN.bsn);
      await redeem(rp, out.final.location!, out.request);
      const res = await fetch(`${dezi.url}/metrics`);
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.match(text, /dezi_logins_total\{means="digid",outcome="success"\} [1-9]/);
      assert.match(
        text,
        /dezi_http_request_duration_seconds_count\{method="POST",route="\/token",status="2xx"\} [1-9]/,
      );
      assert.match(
        text,
        /dezi_http_request_duration_seconds_count\{method="POST",route="\/interaction\/:uid\/means",status="3xx"\} [1-9]/,
      );
      assert.match(text, /dezi_verklaringen_issued_total [1-9]/);
      assert.match(text, /dezi_database_unavailable_total [1-9]/);
      // What a login costs the database: read before and after by the benchmark (statements per login).
      const statements = Number(/^dezi_db_statements_total (\d+)$/m.exec(text)?.[1]);
      assert.ok(statements > 10 && statements <= statementCount(), `${statements} statements`);
      assert.match(text, /dezi_process_resident_memory_bytes \d+/);
      if (backend === 'postgres') assert.match(text, /dezi_db_pool_connections\{state="max"\} 10/);
    });

    test('draining (SIGTERM) turns readiness off before the listener closes', async () => {
      dezi.drain();
      const ready = await fetch(`${dezi.url}/readyz`);
      assert.equal(ready.status, 503);
      assert.equal(
        ((await ready.json()) as { checks: { shutdown: string } }).checks.shutdown,
        'shutting down',
      );
    });
  });

  describe(`metrics protection (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    const started: TestDezi[] = [];
    before(async () => {
      database = await openTestDatabase(backend);
    });
    after(async () => {
      for (const d of started) await d.stop();
      await database?.close();
    });

    test('with DEZI_METRICS_TOKEN /metrics needs it; in production without one it is not served', async () => {
      const guarded = await startDezi({
        db: database.db,
        config: { logLevel: 'warn', ops: ops({}, { metricsToken: METRICS_TOKEN }) },
      });
      started.push(guarded);
      assert.equal((await fetch(`${guarded.url}/metrics`)).status, 401);
      assert.equal(
        (
          await fetch(`${guarded.url}/metrics`, {
            headers: { authorization: 'Bearer wrong-token-0123456789' },
          })
        ).status,
        401,
      );
      const ok = await fetch(`${guarded.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /dezi_logins_total/);

      const production = await startDezi({
        db: database.db,
        config: {
          logLevel: 'warn',
          mode: 'production',
          registrationToken: null,
          eseal: await testEsealFiles(),
        },
      });
      started.push(production);
      assert.equal((await fetch(`${production.url}/metrics`)).status, 404);
    });
  });

  describe(`rate limits across two instances (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let cluster: Cluster;

    before(async () => {
      database = await openTestDatabase(backend);
      cluster = await startCluster(2, {
        ...(backend === 'pglite' ? { db: database.db } : { database: database.config }),
        config: {
          logLevel: 'warn',
          ops: ops({ windowSeconds: 3600, registerPerAddress: 3, tokenPerClient: 2, loginPerAddress: 40 }),
        },
      });
    });
    after(async () => {
      await cluster?.stop();
      await database?.close();
    });

    test('registration: the limit per address holds whichever instance answers', async () => {
      const [a, b] = cluster.instances.map((d) => `http://127.0.0.1:${d.config.port}`) as [string, string];
      const codes = [];
      for (const target of [a, b, a, b]) codes.push((await register(target)).status);
      assert.deepEqual(codes, [201, 201, 201, 429]);
      const refused = await register(a);
      assert.equal(refused.status, 429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
      assert.deepEqual(Object.keys((await refused.json()) as object).sort(), ['error', 'error_description']);
    });

    test('token endpoint: the limit per client counts authenticated requests on every instance', async () => {
      // The registration test above spent this address's registrations; start that bucket afresh.
      await database.db.query("DELETE FROM rate_limits WHERE bucket LIKE 'register-address:%'");
      const rp = await registerRp(cluster.issuer);
      const statuses: number[] = [];
      for (let n = 0; n < 3; n++) {
        const out = await login(rp, JANSEN.bsn);
        assert.equal(out.final.status, 303);
        try {
          await redeem(rp, out.final.location!, out.request);
          statuses.push(200);
        } catch (err) {
          const e = err as { status?: number; error?: string; response?: Response };
          statuses.push(e.status ?? 0);
          assert.equal(e.error, 'temporarily_unavailable');
          assert.ok(Number(e.response?.headers.get('retry-after')) >= 1);
        }
      }
      assert.deepEqual(statuses, [200, 200, 429]);
    });

    test("token endpoint: forged client assertions do not spend a client's budget", async () => {
      await database.db.query("DELETE FROM rate_limits WHERE bucket LIKE 'register-address:%'");
      const rp = await registerRp(cluster.issuer);
      const { privateKey: forger } = await generateKeyPair('RS256');
      for (let n = 0; n < 4; n++) {
        const now = Math.floor(Date.now() / 1000);
        const assertion = await new SignJWT({ jti: randomUUID() })
          .setProtectedHeader({ alg: 'RS256', kid: rp.signingKid })
          .setIssuer(rp.clientId)
          .setSubject(rp.clientId)
          .setAudience(cluster.issuer)
          .setIssuedAt(now)
          .setExpirationTime(now + 60)
          .sign(forger);
        const res = await fetch(`${cluster.issuer}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: 'x',
            redirect_uri: rp.redirectUri,
            code_verifier: 'x'.repeat(43),
            client_id: rp.clientId,
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: assertion,
          }),
        });
        assert.equal(res.status, 401);
        assert.equal(((await res.json()) as { error: string }).error, 'invalid_client');
      }
      // The limit is 2 per window: the real client still has both.
      for (let n = 0; n < 2; n++) {
        const out = await login(rp, JANSEN.bsn);
        const tokens = await redeem(rp, out.final.location!, out.request);
        assert.ok(tokens.access_token);
      }
    });

    test('login: over the limit per address a person gets a readable page with Retry-After', async () => {
      await database.db.query("DELETE FROM rate_limits WHERE bucket LIKE 'register-address:%'");
      const rp = await registerRp(cluster.issuer);
      let last;
      for (let n = 0; n < 45; n++) {
        last = await new Browser().request((await authorizationRequest(rp)).url);
        if (last.status === 429) break;
      }
      assert.equal(last!.status, 429);
      assert.ok(Number(last!.headers['retry-after']) >= 1);
      assert.match(last!.body, /Te veel verzoeken/);
      const count = await database.db.query<{ hits: number }>(
        "SELECT hits FROM rate_limits WHERE bucket LIKE 'login-address:%' ORDER BY window_start DESC LIMIT 1",
      );
      assert.ok(count[0]!.hits > 40);
    });
  });
}
