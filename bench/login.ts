// npm run bench: full Dezi logins per second over HTTP (authorize → login page → DigiD stand-in →
// employment choice → token with private_key_jwt + PKCE → encrypted userinfo), with the raw RS256
// cost measured in the same run as the reference. A first cut; the scale issue extends it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, SignJWT, jwtVerify } from 'jose';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { startDezi, testDatabaseConfig } from '../test/helpers/dezi.ts';
import { login } from '../test/helpers/login.ts';
import { fetchUserinfo, redeem, registerRp, type TestRp } from '../test/helpers/rp.ts';

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 15) * 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function rs256(ms: number) {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 3072 });
  const jwt = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
  let signs = 0;
  let end = Date.now() + ms;
  while (Date.now() < end) {
    await new SignJWT({ a: signs }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    signs++;
  }
  let verifies = 0;
  end = Date.now() + ms;
  while (Date.now() < end) {
    await jwtVerify(jwt, publicKey);
    verifies++;
  }
  return { signPerSecond: (signs * 1000) / ms, verifyPerSecond: (verifies * 1000) / ms };
}

async function oneLogin(rp: TestRp, bsn: string): Promise<void> {
  const out = await login(rp, bsn);
  if (out.final.status !== 303) throw new Error(`login ended with ${out.final.status}`);
  const tokens = await redeem(rp, out.final.location!, out.request);
  await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub);
}

async function main() {
  const backend = process.env.DEZI_TEST_DATABASE_URL ? 'postgres' : 'pglite';
  const { config, drop } = await testDatabaseConfig(backend);
  const dezi = await startDezi({ database: config, config: { logLevel: 'warn' } });
  const rp = await registerRp(dezi.url);
  const people = SEED_PERSONS.filter((p) => p.status === 'active' && p.employments.length > 0).map(
    (p) => p.bsn,
  );

  for (let i = 0; i < 20; i++) await oneLogin(rp, people[i % people.length]!); // warm-up

  const latencies: number[] = [];
  let failures = 0;
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  const deadline = started + DURATION_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let n = worker; Date.now() < deadline; n += CONCURRENCY) {
        const t0 = performance.now();
        try {
          await oneLogin(rp, people[n % people.length]!);
          latencies.push(performance.now() - t0);
        } catch {
          failures++;
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const rss = process.memoryUsage().rss;
  await dezi.stop();
  await drop();

  latencies.sort((a, b) => a - b);
  const crypto = await rs256(2000);
  const flows = latencies.length / elapsed;
  const results = {
    database: backend,
    concurrency: CONCURRENCY,
    seconds: elapsed,
    full_login: {
      flows_per_second: flows,
      p50_ms: percentile(latencies, 50),
      p99_ms: percentile(latencies, 99),
      failures,
      cpu_ms_per_flow: (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length),
    },
    rs256_3072: crypto,
    ratio_flows_to_rs256_signs: flows / crypto.signPerSecond,
    peak_rss_mb: rss / 1024 / 1024,
    note: 'server, relying party and browser in one process; the scale issue separates them',
  };
  console.table({
    'full login (flows/s)': flows.toFixed(1),
    'p50 (ms)': results.full_login.p50_ms.toFixed(1),
    'p99 (ms)': results.full_login.p99_ms.toFixed(1),
    failures,
    'CPU ms per flow (all parties)': results.full_login.cpu_ms_per_flow.toFixed(1),
    'RS256-3072 sign/s': crypto.signPerSecond.toFixed(0),
    'RS256-3072 verify/s': crypto.verifyPerSecond.toFixed(0),
    'flows per RS256 sign': results.ratio_flows_to_rs256_signs.toFixed(4),
    'RSS (MB)': results.peak_rss_mb.toFixed(0),
  });
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  if (failures > 0) process.exitCode = 1;
}

await main();
