// A smoke run of `npm run bench` (2 seconds a row): the benchmark works end to end, every flow of it
// succeeds, the stand-ins answer from their own process, and it writes the figures it prints (with
// each row's crypto floor and ratio, and what the database saw). The CI runs this, not the benchmark.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { BACKENDS } from './helpers/dezi.ts';

const run = promisify(execFile);

for (const backend of BACKENDS.filter((b) => b === 'postgres'))
  test(`npm run bench -- --duration 2 (${backend})`, { timeout: 330_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dezi-bench-smoke-'));
    try {
      const out = join(dir, 'latest.json');
      const { stdout } = await run(
        process.execPath,
        [
          join(import.meta.dirname, '..', 'bench', 'run.ts'),
          ...['--duration', '2', '--warmup', '1', '--soak', '2', '--endpoint-seconds', '1'],
          ...['--concurrency', '4', '--instances', '1,2', '--floor-ms', '200', '--out', out],
          ...['--mitz-citizens', '2000'],
        ],
        { timeout: 320_000, maxBuffer: 10 * 1024 * 1024 },
      );
      assert.match(stdout, /Dezi \/ reference \(flows\/s\)/);
      assert.match(stdout, /RS256-3072 sign\/s/);
      assert.match(stdout, /CPU per unit ms.*floor ms.*ratio \(CPU ÷ floor\)/);
      assert.match(stdout, /SQL statements per unit/);
      const results = JSON.parse(readFileSync(out, 'utf8'));
      const names = results.rows.map((r: { name: string }) => r.name);
      assert.deepEqual(names, [
        'reference: bare oidc-provider, full code flow',
        'Dezi full login, 1 instance',
        'Dezi full login via an OIDC means, 1 instance',
        'Dezi full login with a wallet (OpenID4VP), 1 instance',
        'Dezi token endpoint alone',
        'Dezi userinfo alone',
        'Dezi revocation list (from cache)',
        'Mitz closed question (XACML), 2000 citizens',
        'Dezi full login, 2 instances',
      ]);
      for (const row of results.rows) {
        assert.equal(row.failures, 0, `${row.name}: ${JSON.stringify(row.errors)}`);
        assert.ok(row.per_second > 0, row.name);
        assert.ok(row.cpu_s_per_unit > 0 && row.peak_rss_mb > 20, row.name);
        assert.ok(Math.abs(row.cpu_per_unit_ms - 1000 * row.cpu_s_per_unit) < 1e-6, row.name);
        if (row.name === 'Dezi revocation list (from cache)') {
          // Served from memory: no private-key operation per request, so no floor and no ratio.
          assert.equal(row.floor_ms, null);
          assert.equal(row.ratio_to_floor, null);
        } else {
          assert.ok(row.floor_ms > 0, row.name);
          const sum = row.floor_ops.reduce((s: number, o: { cpu_ms: number }) => s + o.cpu_ms, 0);
          assert.ok(
            Math.abs(row.floor_ms - sum) < 1e-9,
            `${row.name}: the floor is the sum of its operations`,
          );
          assert.ok(Math.abs(row.ratio_to_floor - row.cpu_per_unit_ms / row.floor_ms) < 1e-9, row.name);
        }
        if (row.name.startsWith('reference')) {
          assert.equal(row.db_statements_per_unit, undefined, 'the reference has no database of Dezi');
          continue;
        }
        assert.ok(row.db_statements_per_unit >= 0 && row.audit_appends_per_second >= 0, row.name);
      }
      const row = (name: string) => results.rows.find((r: { name: string }) => r.name === name);
      const digid = row('Dezi full login, 1 instance');
      const oidcMeans = row('Dezi full login via an OIDC means, 1 instance');
      assert.deepEqual(
        digid.floor_ops.map((o: { op: string }) => o.op),
        [
          'RSA-2048 sign (PKCS#1 v1.5, SHA-256)',
          'RSA-2048 sign (PKCS#1 v1.5, SHA-256)',
          'RSA-2048 decrypt (OAEP, SHA-1)',
          'RSA-3072 sign (PKCS#1 v1.5, SHA-256)',
          'RSA-3072 sign (PKCS#1 v1.5, SHA-256)',
        ],
      );
      assert.equal(oidcMeans.floor_ops.length, 3);
      // A wallet login: the response key made, the request signed, the response's key agreed; then
      // the id_token and the envelope.
      assert.deepEqual(
        row('Dezi full login with a wallet (OpenID4VP), 1 instance').floor_ops.map(
          (o: { op: string }) => o.op,
        ),
        [
          'P-256 key pair generation',
          'P-256 sign (ECDSA, SHA-256)',
          'P-256 ECDH',
          'RSA-3072 sign (PKCS#1 v1.5, SHA-256)',
          'RSA-3072 sign (PKCS#1 v1.5, SHA-256)',
        ],
      );
      assert.equal(row('Dezi token endpoint alone').floor_ops.length, 1);
      assert.deepEqual(Object.keys(results.crypto_floor.operations).length, 8);
      // The closed question: no private-key operation; its floor is the blind index and the XML parse.
      const question = row('Mitz closed question (XACML), 2000 citizens');
      assert.equal(question.unit, 'decisions');
      assert.deepEqual(
        question.floor_ops.map((o: { op: string }) => o.op),
        ['XML parse of the closed question (xmldom)', 'HMAC-SHA-256 (blind index)'],
      );
      // One statement decides, one audit record is appended: nothing more per decision.
      assert.ok(question.db_statements_per_unit <= 2.2, `${question.db_statements_per_unit} statements`);
      assert.ok(Math.abs(question.audit_appends_per_unit - 1) < 0.05, `${question.audit_appends_per_unit}`);
      assert.equal(results.mitz.citizens, 2000);
      assert.ok(results.mitz.load_seconds > 0);
      // The stand-ins answered from their own process, on their own origins; Dezi's CPU is without them.
      for (const login of [digid, oidcMeans, row('Dezi full login, 2 instances')]) {
        assert.ok(login.stand_in_cpu_s_per_unit > 0, login.name);
        assert.ok(login.db_statements_per_unit > 10, `${login.name}: ${login.db_statements_per_unit}`);
        assert.ok(login.audit_appends_per_unit >= 1, `${login.name}: ${login.audit_appends_per_unit}`);
      }
      assert.ok(digid.steps['(stand-in) GET /proeftuin/digid/sso'].n > 0);
      assert.ok(digid.steps['GET /means/digid/acs'].n > 0);
      assert.ok(oidcMeans.steps['(stand-in) POST /op/interaction/:uid'].n > 0);
      assert.ok(
        !Object.keys(digid.steps).some((s) => s.includes('/proeftuin/') && !s.startsWith('(stand-in)')),
      );
      assert.ok(row('Dezi full login, 2 instances').audit_appends_per_second > 0);
      assert.ok(results.ratios.dezi_full_login_over_reference > 0);
      assert.equal(results.soak.failures, 0);
      assert.ok(results.soak.steps['POST /token'].n > 0);
      assert.ok(results.rs256_3072.sign_per_second > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
