// A smoke run of `npm run bench` (2 seconds a row): the benchmark works end to end, every flow of it
// succeeds, and it writes the figures it prints. The CI runs this, not the benchmark itself.
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
  test(`npm run bench -- --duration 2 (${backend})`, { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dezi-bench-smoke-'));
    try {
      const out = join(dir, 'latest.json');
      const { stdout } = await run(
        process.execPath,
        [
          join(import.meta.dirname, '..', 'bench', 'run.ts'),
          ...['--duration', '2', '--warmup', '1', '--soak', '2', '--endpoint-seconds', '1'],
          ...['--concurrency', '4', '--instances', '1,2', '--out', out],
        ],
        { timeout: 230_000, maxBuffer: 10 * 1024 * 1024 },
      );
      assert.match(stdout, /Dezi \/ reference \(flows\/s\)/);
      assert.match(stdout, /RS256-3072 sign\/s/);
      const results = JSON.parse(readFileSync(out, 'utf8'));
      const names = results.rows.map((r: { name: string }) => r.name);
      assert.deepEqual(names, [
        'reference: bare oidc-provider, full code flow',
        'Dezi full login, 1 instance',
        'Dezi token endpoint alone',
        'Dezi userinfo alone',
        'Dezi revocation list (from cache)',
        'Dezi full login, 2 instances',
      ]);
      for (const row of results.rows) {
        assert.equal(row.failures, 0, `${row.name}: ${JSON.stringify(row.errors)}`);
        assert.ok(row.per_second > 0, row.name);
        assert.ok(row.cpu_s_per_unit > 0 && row.peak_rss_mb > 20, row.name);
      }
      assert.ok(results.ratios.dezi_full_login_over_reference > 0);
      assert.equal(results.soak.failures, 0);
      assert.ok(results.soak.steps['POST /token'].n > 0);
      assert.ok(results.rs256_3072.sign_per_second > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
