// npm run bench: Dezi's logins per second against the most the library it is built on can do, on this
// machine, in one run, and each row's server CPU against its crypto floor (bench/floor.ts). The
// servers run as child processes (`node src/main.ts start`, and a bare oidc-provider for the
// reference); the upstreams Dezi logs in at (the DigiD IdP, an OIDC means supplier) are stand-ins in
// a process of their own (bench/upstreams.ts), configured as production configures real ones, so
// that only Dezi's CPU is counted. This process is the load driver. Prints a table and writes the
// same figures to bench/results/latest.json. Options: see USAGE.
import { spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';
import pg from 'pg';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { DIGID_IDP_METADATA_PATH } from '../src/proeftuin/digid-idp.ts';
import { ZIEKENHUISPAS_MEANS_ID, ZORGID_MEANS_ID } from '../src/proeftuin/oidc-means-op.ts';
import { TEST_MEANS_ID } from '../src/proeftuin/test-means.ts';
import { DIGID_ACS_PATH, DIGID_MEANS_ID, DIGID_SP_METADATA_PATH } from '../src/means/digid/digid.ts';
import { generateKeyPair as samlKeyPair } from '../src/means/saml/keys.ts';
import { LOA } from '../src/means/loa.ts';
import { redirectUriFor } from '../src/means/oidc/oidc-means.ts';
import { YIVI_MEANS_ID } from '../src/means/yivi/yivi.ts';
import { openDatabase } from '../src/db/database.ts';
import { Secrets } from '../src/secrets.ts';
import { loadKeySet } from '../src/oidc/keys.ts';
import { createProvider } from '../src/oidc/provider.ts';
import { Register } from '../src/register/register.ts';
import { revokeVerklaringen } from '../src/verklaring/verklaring.ts';
import { freePort } from '../test/helpers/dezi.ts';
import { newTestWalletProvider, type TestWalletProvider } from '../src/proeftuin/test-wallet-provider.ts';
import { ESEAL_CA_PATH } from '../src/proeftuin/pages.ts';
import {
  deziSigningKeyForFloor,
  floorOf,
  timeOperations,
  type Floor,
  type FloorKeys,
  type FloorName,
  type OpTiming,
} from './floor.ts';
import {
  fullFlow,
  pkce,
  REDIRECT_URI,
  revocationList,
  rpKeys,
  token,
  walletCredentialFor,
  userinfo,
  type Person,
  type Rp,
} from './flows.ts';
import { closedQuestion, loadMitzCitizens } from './mitz.ts';
import type { Settings as UpstreamSettings } from './upstreams.ts';
import {
  closedLoop,
  cpuSeconds,
  memory,
  openLoop,
  percentile,
  Recorder,
  STAND_IN_STEP,
  Upstreams,
  NoMoreWork,
  type LoadResult,
  type StepSummary,
} from './lib.ts';

const USAGE = `npm run bench -- [--duration S] [--warmup S] [--concurrency N] [--soak S] [--instances 1,2]
                     [--endpoint-seconds S] [--mitz-citizens N] [--profile] [--no-reference]
  --duration S          seconds of each full-login measurement (default 20)
  --warmup S            seconds of warm-up before each (default 5)
  --concurrency N       flows in flight (default 32)
  --soak S              seconds at 70 % of the peak rate, watching RSS and database connections (default 30;
                        600 for the 10-minute soak)
  --endpoint-seconds S  seconds for the token-only, userinfo-only and closed-question rows (default 10)
  --mitz-citizens N     citizens with choices loaded into Mitz for the closed question (default 1000000,
                        about a minute to load; 0 skips the row)
  --instances LIST      Dezi instance counts to run side by side (default 1,2)
  --floor-ms MS         milliseconds of timing for each private-key operation of the crypto floor (default 1000)
  --profile             run the Dezi servers with --cpu-prof; prints the functions with most self time
  --no-reference        skip the bare oidc-provider reference
  --out FILE            where the JSON goes (default bench/results/latest.json)
Database: DEZI_BENCH_DATABASE_URL or DEZI_TEST_DATABASE_URL (a role that may CREATE DATABASE).`;

const ROOT = join(import.meta.dirname, '..');
const RESULTS = join(import.meta.dirname, 'results');
const SECRET = randomBytes(32).toString('hex');
const REGISTRATION_TOKEN = randomBytes(24).toString('base64url');
const STAND_IN_SECRET = randomBytes(32).toString('hex');
const PEOPLE = SEED_PERSONS.filter((p) => p.status === 'active' && p.employments.length > 0).map((p) => ({
  bsn: p.bsn,
  uziNummer: p.deziNummer,
}));
/** The OIDC means Dezi is configured with (DEZI_MEANS_FILE), at the supplier in bench/upstreams.ts. */
const OIDC_MEANS_ID = 'bench-ziekenhuispas';
const OIDC_MEANS_CLIENT_ID = 'dezi-bench';
const OIDC_MEANS_ACR = 'urn:nl:bench:oidc-means:loa:hoog';

const { values: opt } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '32' },
    soak: { type: 'string', default: '30' },
    'endpoint-seconds': { type: 'string', default: '10' },
    'mitz-citizens': { type: 'string', default: '1000000' },
    'floor-ms': { type: 'string', default: '1000' },
    instances: { type: 'string', default: '1,2' },
    profile: { type: 'boolean', default: false },
    'no-reference': { type: 'boolean', default: false },
    out: { type: 'string', default: join(import.meta.dirname, 'results', 'latest.json') },
    help: { type: 'boolean', default: false },
  },
});
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}
const DURATION = Number(opt.duration);
const WARMUP = Number(opt.warmup);
const CONCURRENCY = Number(opt.concurrency);
const SOAK = Number(opt.soak);
const ENDPOINT_SECONDS = Number(opt['endpoint-seconds']);
const INSTANCES = opt.instances.split(',').map(Number);
const FLOOR_MS = Number(opt['floor-ms']);
const MITZ_CITIZENS = Number(opt['mitz-citizens']);
for (const [name, v] of Object.entries({
  DURATION,
  WARMUP,
  CONCURRENCY,
  SOAK,
  ENDPOINT_SECONDS,
  FLOOR_MS,
  MITZ_CITIZENS,
}))
  if (!Number.isFinite(v) || v < 0) throw new Error(`bad ${name.toLowerCase()}\n${USAGE}`);

interface Server {
  child: ChildProcess;
  port: number;
  cpu(): number;
  stop(): Promise<void>;
}

async function spawnServer(
  args: string[],
  env: Record<string, string>,
  port: number,
  ready: RegExp,
): Promise<Server> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (d: Buffer) => {
    output += d.toString('utf8');
    if (output.length > 100_000) output = output.slice(-50_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + 60_000;
  let match: RegExpExecArray | null;
  while (!(match = ready.exec(output))) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`server did not start (${args.join(' ')}):\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // A server of several processes names them in its ready line (a JSON list); their CPU adds up.
  const pids = match[1] ? (JSON.parse(match[1]) as number[]) : [child.pid!];
  return {
    child,
    port,
    cpu: () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0),
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) console.error(`server on ${port} exited with ${code}:\n${output.slice(-2000)}`);
    },
  };
}

/** Key material made once per run: Dezi's DigiD SP key and its key at the OIDC means supplier, in files. */
interface BenchKeys {
  dir: string;
  /** The stand-ins' own database, beside Dezi's. */
  standInDatabaseUrl: string;
  spKeyFile: string;
  spCertFile: string;
  oidcClientKeyFile: string;
  oidcClientPublicJwk: JWK;
  /** The wallet provider whose attestations Dezi trusts (DEZI_WALLET_PROVIDERS_FILE), and its file. */
  walletProvider: TestWalletProvider;
  walletProvidersFile: string;
  /** The same keys (and one of the size of Dezi's id_token key) for the crypto floor. */
  floor: FloorKeys;
}

async function benchKeys(standInDatabaseUrl: string): Promise<BenchKeys> {
  const dir = mkdtempSync(join(tmpdir(), 'dezi-bench-keys-'));
  const sp = await samlKeyPair('Dezi DigiD SP (bench)');
  const spKeyFile = join(dir, 'digid-sp-key.pem');
  const spCertFile = join(dir, 'digid-sp-cert.pem');
  writeFileSync(spKeyFile, sp.privateKey, { mode: 0o600 });
  writeFileSync(spCertFile, sp.certificate);
  // As the proeftuin's stand-in makes Dezi's key for its OIDC means: RS256, jose's default size.
  const client = await generateKeyPair('RS256', { extractable: true });
  const kid = 'dezi-bench-oidc-means';
  const privateJwk = { ...(await exportJWK(client.privateKey)), kid, alg: 'RS256' };
  const oidcClientKeyFile = join(dir, 'oidc-means-key.json');
  writeFileSync(oidcClientKeyFile, JSON.stringify(privateJwk), { mode: 0o600 });
  // The load driver's wallets are attested by a provider of its own, which Dezi is told to trust.
  const walletProvider = await newTestWalletProvider();
  const walletProvidersFile = join(dir, 'wallet-providers.pem');
  writeFileSync(walletProvidersFile, walletProvider.certPem);
  return {
    walletProvider,
    walletProvidersFile,
    dir,
    standInDatabaseUrl,
    spKeyFile,
    spCertFile,
    oidcClientKeyFile,
    oidcClientPublicJwk: { ...(await exportJWK(client.publicKey)), kid, alg: 'RS256', use: 'sig' },
    floor: {
      digidSp: createPrivateKey(sp.privateKey),
      oidcMeansClient: createPrivateKey({ key: privateJwk as never, format: 'jwk' }),
      deziSigning: deziSigningKeyForFloor(),
      wallet: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    },
  };
}

/** The stand-ins' process, for a Dezi whose issuer is `issuer`: the DigiD IdP and the OIDC means supplier. */
async function startUpstreams(issuer: string, keys: BenchKeys) {
  const [digidPort, opPort] = [await freePort(), await freePort()];
  const settings: UpstreamSettings = {
    databaseUrl: keys.standInDatabaseUrl,
    secret: STAND_IN_SECRET,
    digid: {
      port: digidPort,
      sp: {
        entityId: `${issuer}${DIGID_SP_METADATA_PATH}`,
        acsUrl: `${issuer}${DIGID_ACS_PATH}`,
        certFile: keys.spCertFile,
      },
    },
    oidc: {
      port: opPort,
      clientId: OIDC_MEANS_CLIENT_ID,
      redirectUri: redirectUriFor(issuer, OIDC_MEANS_ID),
      clientJwk: keys.oidcClientPublicJwk,
      acr: OIDC_MEANS_ACR,
    },
  };
  // Another host name than Dezi's (localhost): a browser keeps their cookies apart.
  const digid = `http://127.0.0.1:${digidPort}`;
  const op = `http://127.0.0.1:${opPort}`;
  const server = await spawnServer(
    [
      // Profiled apart from Dezi (--profile): what the stand-ins cost is not Dezi's to remove.
      ...(opt.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(RESULTS, 'profiles', 'stand-ins')}`] : []),
      'bench/upstreams.ts',
    ],
    { BENCH_UPSTREAMS: JSON.stringify(settings) },
    digidPort,
    /upstreams ready (\[[\d,]+\])/,
  );
  return {
    server,
    standIns: { [digid]: digidPort, [op]: opPort },
    digidMetadataUrl: `${digid}${DIGID_IDP_METADATA_PATH}`,
    opIssuer: op,
    settings,
  };
}

type StandIns = Awaited<ReturnType<typeof startUpstreams>>;

/**
 * The measured Dezi: proeftuin mode (its registration endpoint, seed register and TEST eSeal), but
 * DigiD and the OIDC means configured as in production (IdP metadata URL, SP key files, DEZI_MEANS_FILE)
 * and pointing at the stand-ins' process; the proeftuin's in-process means are switched off by
 * configuration and the UZI-pas listener is off, so that nothing of a stand-in runs in Dezi.
 */
function deziEnv(
  issuer: string,
  databaseUrl: string,
  dataDir: string,
  keys: BenchKeys,
  up: StandIns,
): Record<string, string> {
  const high = '1000000000'; // counted (the cost is in the figures) but never reached
  const meansFile = join(dataDir, 'means.json');
  writeFileSync(
    meansFile,
    JSON.stringify({
      oidc: [
        {
          id: OIDC_MEANS_ID,
          displayName: { nl: 'Ziekenhuispas (bench)', en: 'Hospital pass (bench)' },
          category: 'nen7518',
          issuer: up.opIssuer,
          clientId: OIDC_MEANS_CLIENT_ID,
          privateKeyFile: keys.oidcClientKeyFile,
          scope: 'openid zorg',
          subjectClaim: 'uzi_nummer',
          subjectKind: 'uzi-nummer',
          acr: { [OIDC_MEANS_ACR]: LOA.high },
          timeoutMs: 5000,
        },
      ],
    }),
  );
  return {
    HOST: '127.0.0.1',
    DEZI_ISSUER: issuer,
    DATABASE_URL: databaseUrl,
    DEZI_SECRET: SECRET,
    DEZI_MODE: 'proeftuin',
    DEZI_DATA_DIR: dataDir,
    DEZI_PROEFTUIN_REGISTRATION_TOKEN: REGISTRATION_TOKEN,
    LOG_LEVEL: 'warn',
    DEZI_RATE_LIMIT_TOKEN_PER_CLIENT: high,
    DEZI_RATE_LIMIT_TOKEN_PER_ADDRESS: high,
    DEZI_RATE_LIMIT_LOGIN_PER_ADDRESS: high,
    DEZI_RATE_LIMIT_REGISTER_PER_ADDRESS: high,
    DEZI_DIGID_IDP_METADATA: up.digidMetadataUrl,
    DEZI_DIGID_SP_ENTITY_ID: up.settings.digid.sp.entityId,
    DEZI_DIGID_SP_KEY_FILE: keys.spKeyFile,
    DEZI_DIGID_SP_CERT_FILE: keys.spCertFile,
    DEZI_MEANS_FILE: meansFile,
    DEZI_MEANS_DISABLED: [YIVI_MEANS_ID, TEST_MEANS_ID, ZORGID_MEANS_ID, ZIEKENHUISPAS_MEANS_ID].join(','),
    DEZI_UZI_PAS: 'off',
    DEZI_WALLET_PROVIDERS_FILE: keys.walletProvidersFile,
  };
}

async function startDezi(
  n: number,
  databaseUrl: string,
  dataDir: string,
  keys: BenchKeys,
): Promise<{ servers: Server[]; up: Upstreams; standIns: StandIns }> {
  const ports = await Promise.all(Array.from({ length: n }, () => freePort()));
  const issuer = `http://localhost:${ports[0]}`;
  const standIns = await startUpstreams(issuer, keys);
  // As `npm start` runs Dezi: a young generation of at most 3 × 8 MB. V8's default lets it grow to
  // ~100 MB under load, which was most of the peak RSS (268 MB against 173 MB, same throughput).
  const nodeArgs = ['--max-semi-space-size=8'];
  if (opt.profile) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${join(RESULTS, 'profiles')}`);
  const servers: Server[] = [];
  try {
    for (const port of ports) {
      servers.push(
        await spawnServer(
          [...nodeArgs, 'src/main.ts', 'start'],
          deziEnv(issuer, databaseUrl, dataDir, keys, standIns),
          port,
          /Dezi draait/,
        ),
      );
    }
  } catch (err) {
    // An instance that did not start must not leave the ones before it (or the stand-ins) running.
    await Promise.all([...servers, standIns.server].map((s) => s.stop()));
    throw err;
  }
  return { servers, up: new Upstreams(issuer, ports, standIns.standIns), standIns };
}

async function registerRp(issuer: string, up: Upstreams): Promise<Rp> {
  const keys = await rpKeys();
  const res = await fetch(`http://127.0.0.1:${up.ports[0]}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${REGISTRATION_TOKEN}` },
    body: JSON.stringify({
      client_name: 'Benchmark',
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: keys.jwks,
    }),
  });
  if (res.status !== 201) throw new Error(`registration answered ${res.status}: ${await res.text()}`);
  const { client_id } = (await res.json()) as { client_id: string };
  return { clientId: client_id, issuer, ...keys };
}

interface Row {
  name: string;
  instances: number;
  unit: 'flows' | 'requests' | 'decisions';
  per_second: number;
  p50_ms: number;
  p99_ms: number;
  failures: number;
  cpu_s_per_unit: number;
  peak_rss_mb: number;
  /** cpu_s_per_unit in milliseconds, to set against the floor. */
  cpu_per_unit_ms: number;
  /** The private-key operations the row cannot avoid, timed in this run (bench/floor.ts). */
  floor_ms: number | null;
  floor_ops?: Floor['floor_ops'];
  /** cpu_per_unit_ms ÷ floor_ms; null for a row without private-key operations. */
  ratio_to_floor: number | null;
  /** SQL statements Dezi sent per unit (dezi_db_statements_total, BEGIN and COMMIT included). */
  db_statements_per_unit?: number;
  /** Rows added to audit_events per unit, and per second (all instances together). */
  audit_appends_per_unit?: number;
  audit_appends_per_second?: number;
  /** CPU the stand-ins' process used per unit: not Dezi's, not in cpu_s_per_unit. */
  stand_in_cpu_s_per_unit?: number;
  steps?: Record<string, StepSummary>;
  errors?: string[];
}

/** What the database saw of a measurement: Dezi's statements and the audit trail's growth. */
interface Probe {
  statements(): Promise<number>;
  auditRows(): Promise<number>;
}

async function deziProbe(
  servers: Server[],
  databaseUrl: string,
): Promise<Probe & { close(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  return {
    async statements() {
      let sum = 0;
      for (const s of servers) {
        const text = await (await fetch(`http://127.0.0.1:${s.port}/metrics`)).text();
        const n = /^dezi_db_statements_total (\d+)$/m.exec(text)?.[1];
        if (n === undefined) throw new Error('no dezi_db_statements_total in /metrics');
        sum += Number(n);
      }
      return sum;
    },
    async auditRows() {
      const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
      return rows[0]!.n;
    },
    close: () => admin.end(),
  };
}

/** Runs a measurement, reading the servers' CPU (and what the database saw) before and after it. */
async function measure(
  name: string,
  servers: Server[],
  unit: Row['unit'],
  run: () => Promise<LoadResult>,
  o: { rec?: Recorder; floor: Floor | null; probe?: Probe; standIns?: Server },
): Promise<Row> {
  const before = o.probe && { statements: await o.probe.statements(), audit: await o.probe.auditRows() };
  const standIn0 = o.standIns?.cpu();
  const cpu0 = servers.map((s) => s.cpu());
  const r = await run();
  const cpu = servers.reduce((sum, s, i) => sum + s.cpu() - cpu0[i]!, 0);
  const standInCpu = o.standIns ? o.standIns.cpu() - standIn0! : null;
  const after = o.probe && { statements: await o.probe.statements(), audit: await o.probe.auditRows() };
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const units = Math.max(1, r.ok);
  const cpuMs = (1000 * cpu) / units;
  const row: Row = {
    name,
    instances: servers.length,
    unit,
    per_second: r.ok / r.seconds,
    p50_ms: percentile(sorted, 50),
    p99_ms: percentile(sorted, 99),
    failures: r.failed,
    cpu_s_per_unit: cpu / units,
    peak_rss_mb: Math.max(...servers.map((s) => memory(s.child.pid!).peakMb)),
    cpu_per_unit_ms: cpuMs,
    floor_ms: o.floor && o.floor.floor_ms > 0 ? o.floor.floor_ms : null,
    ...(o.floor ? { floor_ops: o.floor.floor_ops } : {}),
    ratio_to_floor: o.floor && o.floor.floor_ms > 0 ? cpuMs / o.floor.floor_ms : null,
    ...(before && after
      ? {
          db_statements_per_unit: (after.statements - before.statements) / units,
          audit_appends_per_unit: (after.audit - before.audit) / units,
          audit_appends_per_second: (after.audit - before.audit) / r.seconds,
        }
      : {}),
    ...(standInCpu !== null ? { stand_in_cpu_s_per_unit: standInCpu / units } : {}),
    ...(o.rec ? { steps: o.rec.summary() } : {}),
    ...(r.errors.length ? { errors: r.errors } : {}),
  };
  console.error(
    `  ${name}: ${row.per_second.toFixed(1)} ${unit}/s, p99 ${row.p99_ms.toFixed(1)} ms, ${r.failed} failed`,
  );
  return row;
}

/** Each row's crypto floor, timed at the start of the run (main). */
let floors: Record<FloorName, Floor>;

async function rs256(ms: number) {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 3072 });
  const jwt = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
  let signs = 0;
  let end = performance.now() + ms;
  while (performance.now() < end) {
    await new SignJWT({ a: signs }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    signs++;
  }
  let verifies = 0;
  end = performance.now() + ms;
  while (performance.now() < end) {
    await jwtVerify(jwt, publicKey);
    verifies++;
  }
  return { sign_per_second: (signs * 1000) / ms, verify_per_second: (verifies * 1000) / ms };
}

async function reference(): Promise<Row> {
  const keys = await rpKeys();
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const client = { client_id: 'bench-reference', redirect_uri: REDIRECT_URI, jwks: keys.jwks };
  const server = await spawnServer(
    ['bench/reference-server.ts'],
    { BENCH_CLIENT: JSON.stringify(client) },
    port,
    /reference ready/,
  );
  try {
    const up = new Upstreams(issuer, [port]);
    const rp: Rp = { clientId: client.client_id, issuer, ...keys };
    await closedLoop(WARMUP, CONCURRENCY, () => fullFlow(up, rp, null, null, false));
    const rec = new Recorder();
    return await measure(
      'reference: bare oidc-provider, full code flow',
      [server],
      'flows',
      () => closedLoop(DURATION, CONCURRENCY, () => fullFlow(up, rp, rec, null, false)),
      { rec, floor: floors.reference },
    );
  } finally {
    await server.stop();
  }
}

/**
 * Authorization codes for the token-only row, minted straight into the same storage through
 * oidc-provider's own model (what /authorize/:uid does at the end of a login), for grants that real
 * logins of this run created. The token endpoint then does all of its usual work.
 */
async function mintCodes(databaseUrl: string, rp: Rp, count: number) {
  const db = await openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 8 });
  try {
    const secrets = new Secrets(Buffer.from(SECRET, 'hex'));
    const register = new Register(db, secrets, { onInvalidated: revokeVerklaringen });
    const provider = createProvider({
      issuer: rp.issuer,
      db,
      secrets,
      keys: await loadKeySet(db, secrets),
      register,
      registrationToken: null,
      proeftuin: true,
      trustProxy: false,
    });
    const grants = await db.query<{ grant_id: string; person_id: string }>(
      'SELECT grant_id, person_id FROM broker_logins WHERE client_id = $1 ORDER BY created_at DESC LIMIT 64',
      [rp.clientId],
    );
    if (grants.length === 0) throw new Error('no logins to mint codes for');
    const client = await provider.Client.find(rp.clientId);
    if (!client) throw new Error(`client ${rp.clientId} not found`);
    const { verifier, challenge } = pkce();
    const codes: string[] = [];
    const mint = async (n: number) => {
      const g = grants[n % grants.length]!;
      const code = new provider.AuthorizationCode({
        accountId: g.person_id,
        acr: 'http://eidas.europa.eu/LoA/high',
        authTime: Math.floor(Date.now() / 1000),
        client,
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
        grantId: g.grant_id,
        nonce: randomBytes(8).toString('hex'),
        redirectUri: REDIRECT_URI,
        scope: 'openid',
      } as unknown as ConstructorParameters<typeof provider.AuthorizationCode>[0]);
      codes.push(await code.save());
    };
    for (let n = 0; n < count; n += 8)
      await Promise.all(Array.from({ length: Math.min(8, count - n) }, (_, k) => mint(n + k)));
    return { codes, verifier };
  } finally {
    await db.close();
  }
}

async function dezi(instances: number, databaseUrl: string, keys: BenchKeys, withEndpointsAndSoak: boolean) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dezi-bench-'));
  const { servers, up, standIns } = await startDezi(instances, databaseUrl, dataDir, keys);
  const probe = await deziProbe(servers, databaseUrl).catch(async (err: unknown) => {
    await Promise.all([...servers, standIns.server].map((s) => s.stop()));
    throw err;
  });
  const rows: Row[] = [];
  let soak: Record<string, unknown> | null = null;
  let mitz: { citizens: number; load_seconds: number } | null = null;
  const common = { probe, standIns: standIns.server };
  try {
    const rp = await registerRp(up.origin.origin, up);
    const person =
      (means: string) =>
      (n: number): Person => ({ ...PEOPLE[n % PEOPLE.length]!, means });
    const digid = person(DIGID_MEANS_ID);
    await closedLoop(WARMUP, CONCURRENCY, (n) => fullFlow(up, rp, null, digid(n), true));
    const rec = new Recorder();
    const full = await measure(
      `Dezi full login, ${instances} instance${instances > 1 ? 's' : ''}`,
      servers,
      'flows',
      () => closedLoop(DURATION, CONCURRENCY, (n) => fullFlow(up, rp, rec, digid(n), true)),
      { ...common, rec, floor: floors.digid },
    );
    rows.push(full);
    if (!withEndpointsAndSoak) return { rows, soak, mitz };

    // The same login through the OIDC means (a hospital pass at the supplier in the stand-ins' process).
    const oidcMeans = person(OIDC_MEANS_ID);
    await closedLoop(WARMUP, CONCURRENCY, (n) => fullFlow(up, rp, null, oidcMeans(n), true));
    const oidcRec = new Recorder();
    rows.push(
      await measure(
        `Dezi full login via an OIDC means, ${instances} instance${instances > 1 ? 's' : ''}`,
        servers,
        'flows',
        () => closedLoop(DURATION, CONCURRENCY, (n) => fullFlow(up, rp, oidcRec, oidcMeans(n), true)),
        { ...common, rec: oidcRec, floor: floors.oidcMeans },
      ),
    );

    // A wallet login: the verklaring put in each person's wallet once, then presented at every login
    // from "this device" (OpenID4VP, direct_post.jwt), the browser following the wallet's redirect.
    const caPem = await (await fetch(`${up.origin.origin}${ESEAL_CA_PATH}`)).text();
    const trusted = [new X509Certificate(caPem)];
    const held = await Promise.all(
      PEOPLE.map((p) => walletCredentialFor(up, up.origin.origin, p, keys.walletProvider, trusted)),
    );
    const walletPerson = (n: number): Person => ({
      ...PEOPLE[n % PEOPLE.length]!,
      means: 'wallet',
      wallet: held[n % PEOPLE.length]!,
    });
    await closedLoop(WARMUP, CONCURRENCY, (n) => fullFlow(up, rp, null, walletPerson(n), true));
    const walletRec = new Recorder();
    rows.push(
      await measure(
        `Dezi full login with a wallet (OpenID4VP), ${instances} instance${instances > 1 ? 's' : ''}`,
        servers,
        'flows',
        () => closedLoop(DURATION, CONCURRENCY, (n) => fullFlow(up, rp, walletRec, walletPerson(n), true)),
        { ...common, rec: walletRec, floor: floors.wallet },
      ),
    );

    // Token endpoint alone.
    const count = Math.min(40_000, Math.ceil(ENDPOINT_SECONDS * 2500));
    const minted = await mintCodes(databaseUrl, rp, count);
    const tokens: string[] = [];
    rows.push(
      await measure(
        'Dezi token endpoint alone',
        servers,
        'requests',
        async () => {
          const r = await closedLoop(ENDPOINT_SECONDS, CONCURRENCY, async () => {
            const code = minted.codes.pop();
            if (!code) throw new NoMoreWork('out of minted codes');
            const at = await token(up, rp, null, code, minted.verifier);
            if (tokens.length < 1000) tokens.push(at);
          });
          return r;
        },
        { ...common, floor: floors.token },
      ),
    );
    // Userinfo alone, with the tokens just issued.
    rows.push(
      await measure(
        'Dezi userinfo alone',
        servers,
        'requests',
        () =>
          closedLoop(ENDPOINT_SECONDS, CONCURRENCY, (n) =>
            userinfo(up, rp, null, tokens[n % tokens.length]!, true),
          ),
        { ...common, floor: floors.userinfo },
      ),
    );

    // The signed revocation list, as a thousand pollers would fetch it: served from memory.
    rows.push(
      await measure(
        'Dezi revocation list (from cache)',
        servers,
        'requests',
        () => closedLoop(ENDPOINT_SECONDS, CONCURRENCY, () => revocationList(up, rp, null)),
        { ...common, floor: floors.revocationList },
      ),
    );

    // Mitz's closed question (XACML), against a million citizens' choices in PostgreSQL.
    if (MITZ_CITIZENS > 0) {
      console.error(`  loading ${MITZ_CITIZENS} citizens with their choices into Mitz…`);
      const population = await loadMitzCitizens(databaseUrl, Buffer.from(SECRET, 'hex'), MITZ_CITIZENS, (l) =>
        console.error(l),
      );
      mitz = { citizens: MITZ_CITIZENS, load_seconds: population.seconds };
      console.error(`  loaded in ${population.seconds.toFixed(1)} s`);
      const ask = closedQuestion(population, up.ports, up.origin.host);
      await closedLoop(WARMUP, CONCURRENCY, ask);
      rows.push(
        await measure(
          `Mitz closed question (XACML), ${MITZ_CITIZENS} citizens`,
          servers,
          'decisions',
          () => closedLoop(ENDPOINT_SECONDS, CONCURRENCY, ask),
          { ...common, floor: floors.mitzQuestion },
        ),
      );
    }

    // Soak: 70 % of the peak login rate, watching RSS and the database connections.
    if (SOAK > 0) {
      const rate = 0.7 * full.per_second;
      const samples: { t: number; rss_mb: number[]; db_connections: number }[] = [];
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      const dbName = new URL(databaseUrl).pathname.slice(1);
      let sampling = false;
      const t0 = performance.now();
      const sample = () => {
        if (sampling) return;
        sampling = true;
        void admin
          .query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
            [dbName],
          )
          .then(({ rows: [r] }) => {
            samples.push({
              t: Math.round((performance.now() - t0) / 1000),
              rss_mb: servers.map((s) => Math.round(memory(s.child.pid!).rssMb)),
              db_connections: r!.n,
            });
          })
          .finally(() => (sampling = false));
      };
      const soakRec = new Recorder();
      const cpu0 = servers.map((s) => s.cpu());
      let ticks = 0;
      const r = await openLoop(
        SOAK,
        rate,
        (n) => fullFlow(up, rp, soakRec, digid(n), true),
        () => {
          if (ticks++ % 5 === 0) sample();
        },
      );
      sample();
      await new Promise((res) => setTimeout(res, 200));
      await admin.end();
      const cpu = servers.reduce((sum, s, i) => sum + s.cpu() - cpu0[i]!, 0);
      const third = Math.max(1, Math.floor(samples.length / 3));
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
      const rssOf = (xs: typeof samples) => avg(xs.map((s) => Math.max(...s.rss_mb)));
      const sortedLatencies = [...r.latencies].sort((a, b) => a - b);
      const steps = soakRec.summary();
      soak = {
        seconds: r.seconds,
        target_flows_per_second: rate,
        achieved_flows_per_second: r.ok / r.seconds,
        failures: r.failed,
        dropped: r.dropped,
        flow_p50_ms: percentile(sortedLatencies, 50),
        flow_p99_ms: percentile(sortedLatencies, 99),
        cpu_s_per_flow: cpu / Math.max(1, r.ok),
        ratio_to_floor: (1000 * cpu) / Math.max(1, r.ok) / floors.digid.floor_ms,
        // Dezi's steps: the stand-ins' pages are not Dezi's to answer.
        worst_step_p99_ms: Math.max(
          ...Object.entries(steps)
            .filter(([step]) => !step.startsWith(STAND_IN_STEP))
            .map(([, s]) => s.p99_ms),
        ),
        steps,
        rss_mb_first_third: rssOf(samples.slice(0, third)),
        rss_mb_last_third: rssOf(samples.slice(-third)),
        db_connections_max: Math.max(...samples.map((s) => s.db_connections)),
        db_connections_first: samples[0]?.db_connections,
        db_connections_last: samples.at(-1)?.db_connections,
        samples,
        ...(r.errors.length ? { errors: r.errors } : {}),
      };
    }
    return { rows, soak, mitz };
  } finally {
    await probe.close();
    for (const s of servers) await s.stop();
    await standIns.server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The functions with the most self time in the servers' CPU profiles. */
function profileSummary(dir: string, top = 20) {
  const self = new Map<string, number>();
  let total = 0;
  const files = existsSync(dir) ? readdirSync(dir) : [];
  for (const f of files.filter((f) => f.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as {
      nodes: {
        id: number;
        callFrame: { functionName: string; url: string; lineNumber: number };
        hitCount?: number;
      }[];
      samples: number[];
      timeDeltas: number[];
    };
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    for (let i = 0; i < p.samples.length; i++) {
      const node = byId.get(p.samples[i]!)!;
      const dt = p.timeDeltas[i] ?? 0;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url.replace(/^.*node_modules\//, '').replace(`file://${ROOT}/`, '');
      const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + dt);
      total += dt;
    }
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, us]) => ({ fn, self_percent: Math.round((1000 * us) / total) / 10 }));
}

async function main() {
  const adminUrl = process.env.DEZI_BENCH_DATABASE_URL ?? process.env.DEZI_TEST_DATABASE_URL;
  if (!adminUrl)
    throw new Error(
      `set DEZI_BENCH_DATABASE_URL (or DEZI_TEST_DATABASE_URL) to a PostgreSQL server\n${USAGE}`,
    );
  const name = `dezi_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.query(`CREATE DATABASE ${name}_stand_ins`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const standInUrl = new URL(adminUrl);
  standInUrl.pathname = `/${name}_stand_ins`;
  if (opt.profile) rmSync(join(RESULTS, 'profiles'), { recursive: true, force: true });
  mkdirSync(join(RESULTS, 'profiles'), { recursive: true });

  let made: BenchKeys | null = null;
  try {
    const keys = (made = await benchKeys(standInUrl.href));
    console.error('RS256 (3072-bit) sign and verify…');
    const crypto = await rs256(2000);
    // The floor's operations, timed while nothing else of the benchmark runs.
    console.error('crypto floor: the private-key operations, one by one…');
    const timings = timeOperations(keys.floor, FLOOR_MS);
    floors = Object.fromEntries(
      (
        [
          'reference',
          'digid',
          'oidcMeans',
          'wallet',
          'token',
          'userinfo',
          'revocationList',
          'mitzQuestion',
        ] as const
      ).map((f) => [f, floorOf(f, keys.floor, timings)]),
    ) as Record<FloorName, Floor>;
    const rows: Row[] = [];
    if (!opt['no-reference']) {
      console.error('reference…');
      rows.push(await reference());
    }
    let soak = null;
    let mitz = null;
    for (const [i, n] of INSTANCES.entries()) {
      console.error(`Dezi, ${n} instance(s)…`);
      const out = await dezi(n, url.href, keys, i === 0);
      rows.push(...out.rows);
      soak ??= out.soak;
      mitz ??= out.mitz;
    }

    const ref = rows.find((r) => r.name.startsWith('reference'));
    const isDigid = (r: Row) => r.name.startsWith('Dezi full login,');
    const full1 = rows.find((r) => isDigid(r) && r.instances === 1);
    const full2 = rows.find((r) => isDigid(r) && r.instances === 2);
    const oidcRow = rows.find((r) => r.name.startsWith('Dezi full login via an OIDC means'));
    const tokenRow = rows.find((r) => r.name.startsWith('Dezi token'));
    const within = (r: Row | undefined, k: number) =>
      r?.ratio_to_floor === null || r?.ratio_to_floor === undefined ? null : r.ratio_to_floor <= k;
    const ratios = {
      dezi_full_login_over_reference: ref && full1 ? full1.per_second / ref.per_second : null,
      dezi_cpu_per_flow_over_reference: ref && full1 ? full1.cpu_s_per_unit / ref.cpu_s_per_unit : null,
      two_instances_over_one: full2 && full1 ? full2.per_second / full1.per_second : null,
      dezi_peak_rss_over_reference: ref
        ? Math.max(...rows.filter((r) => r !== ref).map((r) => r.peak_rss_mb)) / ref.peak_rss_mb
        : null,
    };
    const targets = {
      'full DigiD login ≤ 2 × its crypto floor': within(full1, 2),
      'token endpoint ≤ 1.5 × its crypto floor': within(tokenRow, 1.5),
      'login via an OIDC means ≤ 2 × its crypto floor': within(oidcRow, 2),
      "peak RSS under load ≤ 1.2 × the reference's":
        ratios.dezi_peak_rss_over_reference === null ? null : ratios.dezi_peak_rss_over_reference <= 1.2,
      'full login ≥ 0.5 × reference':
        ratios.dezi_full_login_over_reference === null ? null : ratios.dezi_full_login_over_reference >= 0.5,
      'token endpoint ≥ 1000 req/s': tokenRow ? tokenRow.per_second >= 1000 : null,
      'p99 of every step ≤ 50 ms at 70 % of peak': soak ? (soak.worst_step_p99_ms as number) <= 50 : null,
      'peak RSS ≤ 300 MB per instance': rows.every(
        (r) => r.name.startsWith('reference') || r.peak_rss_mb <= 300,
      ),
      'no RSS growth in the soak (last third ≤ first third + 10 %)': soak
        ? (soak.rss_mb_last_third as number) <= 1.1 * (soak.rss_mb_first_third as number)
        : null,
      'no growth of database connections in the soak': soak
        ? (soak.db_connections_last as number) <= (soak.db_connections_max as number) &&
          (soak.db_connections_max as number) <= 10 * Math.max(...INSTANCES) + 2
        : null,
    };
    const profile = opt.profile ? profileSummary(join(RESULTS, 'profiles')) : null;
    const standInProfile = opt.profile ? profileSummary(join(RESULTS, 'profiles', 'stand-ins'), 10) : null;

    console.log('');
    console.table(
      Object.fromEntries(
        rows.map((r) => [
          r.name,
          {
            [`per s`]: `${r.per_second.toFixed(1)} ${r.unit}`,
            'p50 ms': r.p50_ms.toFixed(1),
            'p99 ms': r.p99_ms.toFixed(1),
            failures: r.failures,
            'server CPU s per unit': r.cpu_s_per_unit.toFixed(4),
            'peak RSS MB': r.peak_rss_mb.toFixed(0),
            'CPU per unit ms': r.cpu_per_unit_ms.toFixed(2),
            'floor ms': r.floor_ms?.toFixed(2) ?? '-',
            'ratio (CPU ÷ floor)': r.ratio_to_floor?.toFixed(1) ?? '-',
          },
        ]),
      ),
    );
    // What the floors are made of, and what the database and the stand-ins saw.
    console.table(
      Object.fromEntries(
        [...timings.values()].map((t) => [
          t.op,
          { 'CPU ms per operation': t.cpu_ms.toFixed(3), 'per s (one core)': t.per_second.toFixed(0) },
        ]),
      ),
    );
    console.table(
      Object.fromEntries(
        rows
          .filter((r) => r.db_statements_per_unit !== undefined)
          .map((r) => [
            r.name,
            {
              'SQL statements per unit': r.db_statements_per_unit!.toFixed(1),
              'audit appends per unit': r.audit_appends_per_unit!.toFixed(1),
              'audit appends per s': r.audit_appends_per_second!.toFixed(1),
              'stand-ins CPU ms per unit (not counted)': (1000 * (r.stand_in_cpu_s_per_unit ?? 0)).toFixed(2),
            },
          ]),
      ),
    );
    console.table({
      'RS256-3072 sign/s': crypto.sign_per_second.toFixed(0),
      'RS256-3072 verify/s': crypto.verify_per_second.toFixed(0),
      'Dezi / reference (flows/s)': ratios.dezi_full_login_over_reference?.toFixed(3) ?? '-',
      'Dezi / reference (CPU per flow)': ratios.dezi_cpu_per_flow_over_reference?.toFixed(2) ?? '-',
      '2 instances / 1 instance': ratios.two_instances_over_one?.toFixed(2) ?? '-',
    });
    if (soak) {
      console.log(
        `soak ${Number(soak.seconds).toFixed(0)} s at ${Number(soak.target_flows_per_second).toFixed(1)} flows/s: ` +
          `worst step p99 ${Number(soak.worst_step_p99_ms).toFixed(1)} ms, RSS ${Number(soak.rss_mb_first_third).toFixed(0)} → ` +
          `${Number(soak.rss_mb_last_third).toFixed(0)} MB, DB connections max ${soak.db_connections_max}, ${soak.failures} failed`,
      );
      console.table(soak.steps as object);
    }
    console.table(
      Object.fromEntries(
        Object.entries(targets).map(([k, v]) => [k, v === null ? 'not measured' : v ? 'met' : 'NOT met']),
      ),
    );
    if (profile) console.table(profile);
    if (standInProfile) {
      console.log("The stand-ins' process (not counted):");
      console.table(standInProfile);
    }

    const results = {
      when: new Date().toISOString(),
      machine: {
        cpus: (await import('node:os')).cpus().length,
        loadavg: (await import('node:os')).loadavg(),
      },
      options: {
        duration: DURATION,
        warmup: WARMUP,
        concurrency: CONCURRENCY,
        soak: SOAK,
        instances: INSTANCES,
        mitz_citizens: MITZ_CITIZENS,
      },
      rs256_3072: crypto,
      crypto_floor: {
        operations: Object.fromEntries([...timings.values()].map((t: OpTiming) => [t.op, t])),
        rows: floors,
      },
      rows,
      ratios,
      soak,
      mitz,
      targets,
      profile,
      stand_in_profile: standInProfile,
    };
    mkdirSync(dirname(opt.out), { recursive: true });
    writeFileSync(opt.out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`written: ${opt.out}`);
    if (rows.some((r) => r.failures > 0) || (soak && (soak.failures as number) > 0)) process.exitCode = 1;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${name}_stand_ins WITH (FORCE)`);
    await admin.end();
    if (made) rmSync(made.dir, { recursive: true, force: true });
  }
}

await main();
