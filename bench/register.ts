// npm run bench:register [-- --persons N] [--lookups N]
// Imports N generated persons (default 1,000,000) through the UZI-register import into a fresh
// database (DATABASE_URL, or PGlite in memory), then looks persons up by BSN and by Dezi-nummer.
// Prints persons/s for the import, the time spent in HMAC + AES-GCM alone, and lookup p50/p99.
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { Secrets } from '../src/secrets.ts';
import { Register } from '../src/register/register.ts';
import { revokeVerklaringen } from '../src/verklaring/verklaring.ts';
import { Bsn } from '../src/means/bsn.ts';
import { importUziRegister } from '../src/register/import.ts';
import { writeUziExport } from './register-data.ts';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    lookups: { type: 'string', default: '10000' },
    json: { type: 'boolean', default: false },
  },
  strict: true,
});
const persons = Number(values.persons);
const lookups = Number(values.lookups);
if (!Number.isInteger(persons) || persons < 1) throw new Error('--persons must be a positive integer');
if (!Number.isInteger(lookups) || lookups < 1) throw new Error('--lookups must be a positive integer');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const log = (line: string) => {
  if (!values.json) console.error(line);
};

const url = process.env.DATABASE_URL;
const db = await openDatabase(
  url ? { kind: 'postgres', url, poolSize: 4 } : { kind: 'pglite', dataDir: null },
);
const dir = mkdtempSync(join(tmpdir(), 'dezi-bench-register-'));
try {
  await migrate(db);
  const [{ n }] = (await db.query<{ n: string }>('SELECT count(*) AS n FROM persons')) as [{ n: string }];
  if (Number(n) > 0) throw new Error('the benchmark needs an empty database (persons is not empty)');
  const secrets = new Secrets(Buffer.alloc(32, 0x11)); // a benchmark key, nothing real is sealed
  const register = new Register(db, secrets, { onInvalidated: revokeVerklaringen });
  const file = join(dir, 'uzi-export.csv');
  log(`generating ${persons} persons …`);
  const sample = await writeUziExport(file, persons, {
    sampleEvery: Math.max(1, Math.floor(persons / lookups)),
  });

  // What the crypto alone costs per person (blind index + seal), measured on the same machine.
  const cryptoN = Math.min(persons, 100_000);
  const bsn = Bsn.parse(sample[0]!.bsn);
  const c0 = performance.now();
  for (let i = 0; i < cryptoN; i++) {
    register.bsnIndex(bsn);
    register.sealBsn(bsn, '00000000-0000-4000-8000-000000000000');
  }
  const cryptoUs = ((performance.now() - c0) * 1000) / cryptoN;

  log(`importing on ${db.kind} …`);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const summary = await importUziRegister(register, file, {
    actor: { kind: 'system' },
    batchSize: 2000,
    onProgress: (p) => {
      if (p.rows % 100_000 === 0) log(`  ${p.rows} rows`);
    },
  });
  const importSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const importCpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (summary.personsCreated !== persons) throw new Error(`imported ${summary.personsCreated} of ${persons}`);
  if (db.kind === 'postgres') await db.query('ANALYZE persons');

  const byBsn: number[] = [];
  const byNummer: number[] = [];
  for (const p of sample) {
    const b = Bsn.parse(p.bsn);
    let t = performance.now();
    const one = await register.findPersonByBsn(b);
    byBsn.push(performance.now() - t);
    t = performance.now();
    const two = await register.findPersonByDeziNummer(p.uziNummer);
    byNummer.push(performance.now() - t);
    if (one?.deziNummer !== p.uziNummer || two?.deziNummer !== p.uziNummer)
      throw new Error(`lookup of ${p.uziNummer} failed`);
  }
  byBsn.sort((a, b) => a - b);
  byNummer.sort((a, b) => a - b);
  const result = {
    backend: db.kind,
    persons,
    import_seconds: Math.round(importSeconds * 10) / 10,
    import_persons_per_second: Math.round(persons / importSeconds),
    // CPU time of this process alone (parsing, HMAC, AES-GCM, protocol; PGlite's engine too, not a
    // PostgreSQL server's): on a shared machine, wall-clock rates say more about the neighbours.
    import_cpu_seconds: Math.round(importCpuSeconds * 10) / 10,
    machine_load_average: os.loadavg()[0]!.toFixed(1),
    crypto_microseconds_per_person: Math.round(cryptoUs * 10) / 10,
    lookups: sample.length,
    lookup_by_bsn_ms: { p50: +percentile(byBsn, 50).toFixed(3), p99: +percentile(byBsn, 99).toFixed(3) },
    lookup_by_dezi_nummer_ms: {
      p50: +percentile(byNummer, 50).toFixed(3),
      p99: +percentile(byNummer, 99).toFixed(3),
    },
  };
  console.log(JSON.stringify(result, null, values.json ? 0 : 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
  await db.close();
}
