// Typed, validated configuration: the one place where the environment is read.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DatabaseConfig } from './db/database.ts';
import { ensureDirectory } from './db/directory.ts';
import type { DigidConfig } from './means/digid/config.ts';
import type { EidasConfig } from './means/eidas/config.ts';
import type { MitzConfig } from './mitz/config.ts';
import { loadMeansFile } from './means/means-file.ts';
import type { OidcMeansConfig } from './means/oidc/config.ts';
import { MeansConfigError } from './means/means-config.ts';
import type { UziPasConfig } from './means/uzi-pas/config.ts';
import type { YiviConfig } from './means/yivi/config.ts';
import { loadOpsConfig, type OpsConfig } from './ops/config.ts';
import { loadTariffFile, TariffError, type Tariff } from './register/tariff.ts';
import type { Servicedesk } from './web/layout.ts';
import { DeziError } from './errors.ts';

export type Mode = 'proeftuin' | 'production';

// Each part's configuration type lives with the part (so that it needs nothing from here); the
// environment is still read here.
export type { DatabaseConfig, DigidConfig, EidasConfig, UziPasConfig };

/** The eSeal that signs verklaringen and the revocation list (spec §3.4). */
export type EsealConfig =
  /** PEM files: the private key, and the certificate followed by its CA chain. */
  | { kind: 'files'; keyFile: string; certFile: string }
  /** The proeftuin's TEST eSeal, kept in dir (null: in memory). */
  | { kind: 'test'; dir: string | null };

/** The wallet issuer (src/wallet): its ES256 key and certificate, and the credential type. */
export interface WalletConfig {
  /** PEM files (an EC P-256 key; the certificate, its SAN naming the issuer's host, then its CA chain), or the proeftuin's TEST certificate. */
  key: { kind: 'files'; keyFile: string; certFile: string } | { kind: 'test' };
  /** The credential type (`vct`); absent: the type this Dezi serves at /wallet/vct/dezi-verklaring. */
  vct?: string;
  /** PEM certificates of the wallet providers whose wallet attestations are accepted; absent: the proeftuin's test wallet only. */
  providersFile?: string;
  /** PEM certificates of the PID issuers whose PID (`urn:eudi:pid:nl:1`) logs in by its BSN; absent: the proeftuin's TEST PID issuer only. */
  pidIssuersFile?: string;
}

/** What the koppelvlak names that is not Dezi's own address. */
export interface KoppelvlakConfig {
  /** The verklaring's `iss`: the register's URI (DEZI_VERKLARING_ISSUER). */
  verklaringIssuer: string;
  /** Where the published JSON schemas live (DEZI_JSON_SCHEMA_BASE): verklaring.json, userinfo.json, revocatielijst.json. */
  schemaBase: string;
  /** How often the revocation list is rebuilt (DEZI_REVOCATION_LIST_REFRESH, seconds). */
  revocationListRefreshSeconds: number;
  /** How long a copy of the list is valid (its exp − nbf; DEZI_REVOCATION_LIST_VALIDITY, seconds). */
  revocationListValiditySeconds: number;
}

/** The acceptance environment's values: what relying parties written to the spec check. */
export const DEFAULT_KOPPELVLAK: KoppelvlakConfig = {
  verklaringIssuer: 'https://abonnee.dezi.nl',
  schemaBase: 'https://www.dezi.nl/json_schemas/v1',
  revocationListRefreshSeconds: 300,
  revocationListValiditySeconds: 48 * 3600,
};

export interface DeziConfig {
  mode: Mode;
  host: string;
  port: number;
  issuer: string;
  database: DatabaseConfig;
  /** Master secret (≥ 32 bytes); every other key is derived from it (see secrets.ts). */
  secret: Buffer;
  /** Initial access token for RFC 7591 registration; only in proeftuin mode. */
  registrationToken: string | null;
  trustProxy: boolean;
  logLevel: string;
  dataDir: string;
  /** A BIG-register export (dezi_nummer,big_nummer,beroep); proeftuin: the test file; production: none, BIG roles refused. */
  bigRegisterFile?: string;
  /** DigiD; null: not offered. Absent: the proeftuin default (the stand-in), none in production. */
  digid?: DigidConfig | null;
  /** eIDAS; null: not offered. Absent or without metadata: the proeftuin's node stand-in; none in production. */
  eidas?: EidasConfig | null;
  /** Absent: no UZI-pas means. */
  uziPas?: UziPasConfig;
  /** The Yivi means (DEZI_MEANS_FILE); in the proeftuin the stand-in when not set. */
  yivi?: YiviConfig | null;
  /** OpenID Connect means (DEZI_MEANS_FILE); the proeftuin adds its stand-in's. */
  oidcMeans?: OidcMeansConfig[];
  /** Recognised login means that are not offered (DEZI_MEANS_DISABLED, comma-separated ids). */
  disabledMeans?: string[];
  /** Dezi-nummers of the register's operators (DEZI_OPERATORS, comma-separated); `dezi operator add` adds more. */
  operators?: string[];
  /** Rate limits, metrics, key polling (src/ops/config.ts); defaults when absent. */
  ops?: OpsConfig;
  /** Absent: the proeftuin's TEST eSeal in memory. Null: none configured (production cannot start). */
  eseal?: EsealConfig | null;
  /** The wallet issuer. Absent: the proeftuin's TEST certificate (none outside it); null: no credentials in wallets. */
  wallet?: WalletConfig | null;
  /** Absent: DEFAULT_KOPPELVLAK. */
  koppelvlak?: KoppelvlakConfig;
  /** Mitz, the consent service (src/mitz/config.ts); absent: its defaults. */
  mitz?: MitzConfig;
  /** Whom a person contacts (footer, error pages). Absent: the proeftuin's example address; none in production. */
  servicedesk?: Servicedesk;
  /** Serve one part only (`dezi start --only mitz`); absent: everything. */
  only?: 'mitz';
  /** The registration fees' tariff (DEZI_TARIFF_FILE); absent: the proeftuin's example, none in production. */
  tariff?: Tariff | null;
}

export class ConfigError extends DeziError {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer from 0 to 65535, got "${value}"`);
  }
  return port;
}

function parseIssuer(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`DEZI_ISSUER must be an absolute URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ConfigError('DEZI_ISSUER must use https (http is allowed only for localhost)');
  }
  if (url.search || url.hash) throw new ConfigError('DEZI_ISSUER must not have a query or fragment');
  return url.href.replace(/\/$/, '');
}

function parseSeconds(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a whole number of seconds`);
  return n;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function parseOperators(value: string | undefined): string[] {
  const nummers = list(value);
  const bad = nummers.find((n) => !/^[0-9]{9}$/.test(n));
  if (bad !== undefined) throw new ConfigError(`DEZI_OPERATORS holds "${bad}": give Dezi-nummers (9 digits)`);
  return nummers;
}

function parseUziPas(
  env: Env,
  mode: Mode,
  issuer: string,
  host: string,
  dataDir: string,
): UziPasConfig | undefined {
  const kind = env.DEZI_UZI_PAS ?? (mode === 'proeftuin' ? 'listener' : 'off');
  if (kind === 'off') return undefined;
  if (kind !== 'listener' && kind !== 'proxy') {
    throw new ConfigError(`DEZI_UZI_PAS must be "listener", "proxy" or "off", got "${kind}"`);
  }
  const production = mode === 'production';
  const caFiles = list(env.DEZI_UZI_PAS_CA_FILES);
  for (const f of caFiles)
    if (!existsSync(f)) throw new ConfigError(`DEZI_UZI_PAS_CA_FILES: ${f} does not exist`);
  if (production && caFiles.length === 0)
    throw new ConfigError('DEZI_UZI_PAS_CA_FILES is required for the UZI-pas');
  const crlSources = list(env.DEZI_UZI_PAS_CRLS).map((s) => {
    if (/^https?:\/\//.test(s)) return { kind: 'url' as const, url: new URL(s).href };
    if (!existsSync(s)) throw new ConfigError(`DEZI_UZI_PAS_CRLS: ${s} is neither an http(s) URL nor a file`);
    return { kind: 'file' as const, path: s };
  });
  if (production && crlSources.length === 0)
    throw new ConfigError('DEZI_UZI_PAS_CRLS is required for the UZI-pas');

  let listener: UziPasConfig['listener'] = null;
  let proxy: UziPasConfig['proxy'] = null;
  let certificateUrl: string;
  if (kind === 'listener') {
    const port = parsePort(env.DEZI_UZI_PAS_PORT, 3443);
    const certFile = env.DEZI_UZI_PAS_TLS_CERT;
    const keyFile = env.DEZI_UZI_PAS_TLS_KEY;
    if (Boolean(certFile) !== Boolean(keyFile)) {
      throw new ConfigError('DEZI_UZI_PAS_TLS_CERT and DEZI_UZI_PAS_TLS_KEY go together');
    }
    if (production && !certFile)
      throw new ConfigError('DEZI_UZI_PAS_TLS_CERT and _KEY are required for the listener');
    listener = {
      host: env.DEZI_UZI_PAS_HOST ?? host,
      port,
      tls: certFile && keyFile ? { certFile, keyFile } : null,
    };
    certificateUrl =
      env.DEZI_UZI_PAS_URL ?? `https://${new URL(issuer).hostname}:${port}/uzi-pas/certificaat`;
  } else {
    const addresses = list(env.DEZI_UZI_PAS_PROXIES);
    if (addresses.length === 0)
      throw new ConfigError('DEZI_UZI_PAS_PROXIES is required with DEZI_UZI_PAS=proxy');
    proxy = { addresses, header: env.DEZI_UZI_PAS_HEADER ?? 'x-ssl-client-cert' };
    certificateUrl = env.DEZI_UZI_PAS_URL ?? `${issuer}/uzi-pas/certificaat`;
  }
  const url = new URL(certificateUrl);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ConfigError('DEZI_UZI_PAS_URL must be an https URL (http only on localhost)');
  }
  return {
    listener,
    proxy,
    certificateUrl: url.href,
    caFiles,
    crlSources,
    crlRefreshSeconds: parseSeconds('DEZI_UZI_PAS_CRL_REFRESH', env.DEZI_UZI_PAS_CRL_REFRESH, 3600),
    crlGraceSeconds: parseSeconds('DEZI_UZI_PAS_CRL_GRACE', env.DEZI_UZI_PAS_CRL_GRACE, 0),
    testPkiDir: join(dataDir, 'uzi-pas'),
  };
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

function parseSecret(value: string): Buffer {
  const buf = /^[0-9a-f]+$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64url');
  if (buf.length < 32) throw new ConfigError('DEZI_SECRET must hold at least 32 bytes (hex or base64url)');
  return buf;
}

/** Reads a value kept in the data directory, creating it on first use (proeftuin convenience only). */
function persistedValue(dataDir: string, name: string, create: () => string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  ensureDirectory(dataDir, 'the data directory (DEZI_DATA_DIR)');
  const value = create();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return value;
}

/** Where a SAML means' IdP metadata is: an https URL (http on loopback), or a file that exists. */
function samlMetadataSource(name: string, value: string | undefined): DigidConfig['idpMetadata'] {
  if (!value) return null;
  if (/^https?:/.test(value)) {
    const url = new URL(value);
    if (url.protocol !== 'https:' && !isLoopback(url.hostname)) {
      throw new ConfigError(`${name} must be an https URL or a file`);
    }
    return { kind: 'url', url: url.href };
  }
  if (!existsSync(value)) throw new ConfigError(`${name}: the file ${value} does not exist`);
  return { kind: 'file', path: resolve(value) };
}

/** A SAML SP's key and certificate files: both or neither, each existing. */
function samlKeyFiles(prefix: string, env: Env): { key: string; cert: string } | null {
  const key = env[`${prefix}_SP_KEY_FILE`];
  const cert = env[`${prefix}_SP_CERT_FILE`];
  if (!key !== !cert) throw new ConfigError(`${prefix}_SP_KEY_FILE and ${prefix}_SP_CERT_FILE go together`);
  for (const [name, file] of [
    [`${prefix}_SP_KEY_FILE`, key],
    [`${prefix}_SP_CERT_FILE`, cert],
  ]) {
    if (file && !existsSync(file)) throw new ConfigError(`${name}: the file ${file} does not exist`);
  }
  return key && cert ? { key: resolve(key), cert: resolve(cert) } : null;
}

/** The eIDAS means: Dezi as an SP behind the Dutch eIDAS connector; none in production without its metadata. */
function parseEidas(env: Env, mode: Mode): EidasConfig | null {
  const connectorMetadata = samlMetadataSource(
    'DEZI_EIDAS_CONNECTOR_METADATA',
    env.DEZI_EIDAS_CONNECTOR_METADATA,
  );
  const spKeyFiles = samlKeyFiles('DEZI_EIDAS', env);
  const spType = env.DEZI_EIDAS_SP_TYPE ?? 'public';
  if (spType !== 'public' && spType !== 'private') {
    throw new ConfigError('DEZI_EIDAS_SP_TYPE must be "public" or "private"');
  }
  if (mode === 'production') {
    if (!connectorMetadata) return null;
    if (!spKeyFiles)
      throw new ConfigError('eIDAS in production needs DEZI_EIDAS_SP_KEY_FILE and DEZI_EIDAS_SP_CERT_FILE');
    if (!env.DEZI_EIDAS_SP_ENTITY_ID)
      throw new ConfigError('eIDAS in production needs DEZI_EIDAS_SP_ENTITY_ID');
  }
  return { spEntityId: env.DEZI_EIDAS_SP_ENTITY_ID || null, spKeyFiles, connectorMetadata, spType };
}

function parseDigid(env: Env, mode: Mode): DigidConfig | null {
  const spKeyFiles = samlKeyFiles('DEZI_DIGID', env);
  const binding = env.DEZI_DIGID_RESPONSE_BINDING ?? 'artifact';
  if (binding !== 'artifact' && binding !== 'post') {
    throw new ConfigError('DEZI_DIGID_RESPONSE_BINDING must be "artifact" or "post"');
  }
  const tlsKey = env.DEZI_DIGID_TLS_KEY_FILE;
  const tlsCert = env.DEZI_DIGID_TLS_CERT_FILE;
  const tlsCa = env.DEZI_DIGID_TLS_CA_FILE;
  if (!tlsKey !== !tlsCert) {
    throw new ConfigError('DEZI_DIGID_TLS_KEY_FILE and DEZI_DIGID_TLS_CERT_FILE go together');
  }
  for (const [name, file] of Object.entries({
    DEZI_DIGID_TLS_KEY_FILE: tlsKey,
    DEZI_DIGID_TLS_CERT_FILE: tlsCert,
    DEZI_DIGID_TLS_CA_FILE: tlsCa,
  })) {
    if (file && !existsSync(file)) throw new ConfigError(`${name}: the file ${file} does not exist`);
  }
  const idpMetadata = samlMetadataSource('DEZI_DIGID_IDP_METADATA', env.DEZI_DIGID_IDP_METADATA);
  if (mode === 'production') {
    if (!idpMetadata) return null;
    if (!spKeyFiles)
      throw new ConfigError('DigiD in production needs DEZI_DIGID_SP_KEY_FILE and DEZI_DIGID_SP_CERT_FILE');
    if (!env.DEZI_DIGID_SP_ENTITY_ID)
      throw new ConfigError('DigiD in production needs DEZI_DIGID_SP_ENTITY_ID');
  }
  return {
    spEntityId: env.DEZI_DIGID_SP_ENTITY_ID || null,
    spKeyFiles,
    idpMetadata,
    responseBinding: binding,
    backChannelTls:
      tlsKey && tlsCert
        ? { key: resolve(tlsKey), cert: resolve(tlsCert), ca: tlsCa ? resolve(tlsCa) : null }
        : tlsCa
          ? { key: null, cert: null, ca: resolve(tlsCa) }
          : null,
  };
}

function parseEseal(env: Env, mode: Mode, dataDir: string): EsealConfig | null {
  const keyFile = env.DEZI_ESEAL_KEY_FILE;
  const certFile = env.DEZI_ESEAL_CERT_FILE;
  if (!keyFile !== !certFile)
    throw new ConfigError('DEZI_ESEAL_KEY_FILE and DEZI_ESEAL_CERT_FILE go together');
  if (keyFile && certFile) {
    for (const f of [keyFile, certFile])
      if (!existsSync(f)) throw new ConfigError(`eSeal file ${f} does not exist`);
    return { kind: 'files', keyFile: resolve(keyFile), certFile: resolve(certFile) };
  }
  // Production without files: the commands that need no eSeal work; `dezi start` refuses.
  if (mode === 'production') return null;
  return { kind: 'test', dir: join(dataDir, 'eseal') };
}

/** DEZI_WALLET_ISSUER_KEY_FILE and _CERT_FILE; without them the proeftuin's TEST certificate, or none in production. */
function parseWallet(env: Env, mode: Mode): WalletConfig | null {
  const keyFile = env.DEZI_WALLET_ISSUER_KEY_FILE;
  const certFile = env.DEZI_WALLET_ISSUER_CERT_FILE;
  if (!keyFile !== !certFile)
    throw new ConfigError('DEZI_WALLET_ISSUER_KEY_FILE and DEZI_WALLET_ISSUER_CERT_FILE go together');
  const vctValue = env.DEZI_WALLET_VCT;
  // A URI (an https URL where its type metadata is served, or a URN), as SD-JWT VC's vct is.
  if (vctValue !== undefined && !/^[a-z][a-z0-9+.-]*:[^\s]+$/i.test(vctValue))
    throw new ConfigError(`DEZI_WALLET_VCT must be a URI, got "${vctValue}"`);
  const providersFile = env.DEZI_WALLET_PROVIDERS_FILE;
  if (providersFile !== undefined && !existsSync(providersFile))
    throw new ConfigError(`DEZI_WALLET_PROVIDERS_FILE ${providersFile} does not exist`);
  const pidIssuersFile = env.DEZI_WALLET_PID_ISSUERS_FILE;
  if (pidIssuersFile !== undefined && !existsSync(pidIssuersFile))
    throw new ConfigError(`DEZI_WALLET_PID_ISSUERS_FILE ${pidIssuersFile} does not exist`);
  const optional = {
    ...(vctValue ? { vct: vctValue } : {}),
    ...(providersFile ? { providersFile: resolve(providersFile) } : {}),
    ...(pidIssuersFile ? { pidIssuersFile: resolve(pidIssuersFile) } : {}),
  };
  if (keyFile && certFile) {
    for (const f of [keyFile, certFile])
      if (!existsSync(f)) throw new ConfigError(`wallet issuer file ${f} does not exist`);
    return { key: { kind: 'files', keyFile: resolve(keyFile), certFile: resolve(certFile) }, ...optional };
  }
  return mode === 'production' ? null : { key: { kind: 'test' }, ...optional };
}

function parseUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname)))
    throw new ConfigError(`${name} must use https (http only for localhost)`);
  return value.replace(/\/$/, '');
}

function parseKoppelvlak(env: Env): KoppelvlakConfig {
  const refresh = parseSeconds(
    'DEZI_REVOCATION_LIST_REFRESH',
    env.DEZI_REVOCATION_LIST_REFRESH,
    DEFAULT_KOPPELVLAK.revocationListRefreshSeconds,
  );
  const validity = parseSeconds(
    'DEZI_REVOCATION_LIST_VALIDITY',
    env.DEZI_REVOCATION_LIST_VALIDITY,
    DEFAULT_KOPPELVLAK.revocationListValiditySeconds,
  );
  if (refresh < 1 || refresh > 3600)
    throw new ConfigError('DEZI_REVOCATION_LIST_REFRESH must be 1 to 3600 seconds');
  if (validity < 2 * refresh)
    throw new ConfigError(
      'DEZI_REVOCATION_LIST_VALIDITY must be at least twice DEZI_REVOCATION_LIST_REFRESH',
    );
  return {
    verklaringIssuer: parseUrl(
      'DEZI_VERKLARING_ISSUER',
      env.DEZI_VERKLARING_ISSUER || DEFAULT_KOPPELVLAK.verklaringIssuer,
    ),
    schemaBase: parseUrl('DEZI_JSON_SCHEMA_BASE', env.DEZI_JSON_SCHEMA_BASE || DEFAULT_KOPPELVLAK.schemaBase),
    revocationListRefreshSeconds: refresh,
    revocationListValiditySeconds: validity,
  };
}

/** Mitz (docs/mitz.md): the Dezi it trusts for verklaringen, and mutual TLS through a proxy. */
/** The proeftuin's servicedesk: an address under .example (RFC 2606), so that nobody writes to a real one. */
export const PROEFTUIN_SERVICEDESK: Servicedesk = {
  email: 'servicedesk@proeftuin.dezi.example',
  phone: null,
};

/** DEZI_SERVICEDESK_EMAIL and DEZI_SERVICEDESK_PHONE, shown on every page; checked so a typo does not reach one. */
export function parseServicedesk(env: Env, mode: Mode): Servicedesk {
  const email = env.DEZI_SERVICEDESK_EMAIL?.trim() || null;
  const phone = env.DEZI_SERVICEDESK_PHONE?.trim() || null;
  if (email !== null && !/^[^\s@<>"]{1,64}@[^\s@<>"]{1,189}\.[a-z]{2,}$/i.test(email))
    throw new ConfigError('DEZI_SERVICEDESK_EMAIL must be an e-mail address');
  if (phone !== null && !/^\+?[0-9][0-9 ()-]{5,24}$/.test(phone))
    throw new ConfigError('DEZI_SERVICEDESK_PHONE must be a telephone number (digits, spaces, +, -)');
  if (mode === 'proeftuin')
    return { email: email ?? PROEFTUIN_SERVICEDESK.email, phone: phone ?? PROEFTUIN_SERVICEDESK.phone };
  return { email, phone };
}

function parseMitz(env: Env): MitzConfig {
  const authority = env.DEZI_MITZ_DEZI_AUTHORITY;
  if (authority !== undefined) {
    try {
      parseIssuer(authority);
    } catch (err) {
      throw new ConfigError(
        `DEZI_MITZ_DEZI_AUTHORITY: ${(err as Error).message.replace(/^DEZI_ISSUER /, '')}`,
      );
    }
  }
  const proxies = (env.DEZI_MITZ_MTLS_PROXIES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    ...(authority ? { deziAuthority: authority.replace(/\/+$/, '') } : {}),
    mtls: proxies.length
      ? { proxies, verifyHeader: (env.DEZI_MITZ_MTLS_HEADER ?? 'x-ssl-client-verify').toLowerCase() }
      : null,
  };
}

export function loadConfig(env: Env = process.env): DeziConfig {
  const mode = (env.DEZI_MODE ?? 'proeftuin') as Mode;
  if (mode !== 'proeftuin' && mode !== 'production') {
    throw new ConfigError(`DEZI_MODE must be "proeftuin" or "production", got "${env.DEZI_MODE}"`);
  }
  const port = parsePort(env.PORT, 3000);
  const issuer = parseIssuer(env.DEZI_ISSUER ?? `http://localhost:${port}`);
  const dataDir = resolve(env.DEZI_DATA_DIR ?? '.dezi');

  let database: DatabaseConfig;
  const url = env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const poolSize = env.DEZI_DB_POOL_SIZE ? Number(env.DEZI_DB_POOL_SIZE) : 10;
    if (!Number.isInteger(poolSize) || poolSize < 1) throw new ConfigError('DEZI_DB_POOL_SIZE must be ≥ 1');
    database = { kind: 'postgres', url, poolSize };
  } else if (url === 'memory://') {
    database = { kind: 'pglite', dataDir: null };
  } else if (url === undefined || url === '') {
    database = { kind: 'pglite', dataDir: join(dataDir, 'pgdata') };
  } else {
    throw new ConfigError('DATABASE_URL must be postgres://…, postgresql://… or memory://');
  }

  let secret: Buffer;
  if (env.DEZI_SECRET) {
    secret = parseSecret(env.DEZI_SECRET);
  } else if (mode === 'proeftuin') {
    secret = parseSecret(persistedValue(dataDir, 'secret', () => randomBytes(32).toString('hex')));
  } else {
    throw new ConfigError('DEZI_SECRET is required in production mode');
  }

  let registrationToken: string | null = null;
  if (mode === 'proeftuin') {
    registrationToken =
      env.DEZI_PROEFTUIN_REGISTRATION_TOKEN ||
      persistedValue(dataDir, 'proeftuin-registration-token', () => randomBytes(24).toString('base64url'));
    if (registrationToken.length < 16) {
      throw new ConfigError('DEZI_PROEFTUIN_REGISTRATION_TOKEN must be at least 16 characters');
    }
  }

  const host = env.HOST ?? 'localhost';
  let means;
  try {
    means = loadMeansFile(env.DEZI_MEANS_FILE);
  } catch (err) {
    if (err instanceof MeansConfigError) throw new ConfigError(err.message);
    throw err;
  }

  return {
    mode,
    host,
    port,
    issuer,
    database,
    secret,
    registrationToken,
    trustProxy: env.DEZI_TRUST_PROXY === 'true',
    logLevel: env.LOG_LEVEL ?? 'info',
    dataDir,
    ...(env.DEZI_BIG_REGISTER_FILE ? { bigRegisterFile: resolve(env.DEZI_BIG_REGISTER_FILE) } : {}),
    digid: parseDigid(env, mode),
    eidas: parseEidas(env, mode),
    uziPas: parseUziPas(env, mode, issuer, host, dataDir),
    yivi: means.yivi,
    oidcMeans: means.oidcMeans,
    disabledMeans: (env.DEZI_MEANS_DISABLED ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    operators: parseOperators(env.DEZI_OPERATORS),
    ops: loadOpsConfig(env),
    eseal: parseEseal(env, mode, dataDir),
    wallet: parseWallet(env, mode),
    koppelvlak: parseKoppelvlak(env),
    mitz: parseMitz(env),
    ...(env.DEZI_TARIFF_FILE ? { tariff: parseTariffFile(env.DEZI_TARIFF_FILE) } : {}),
    servicedesk: parseServicedesk(env, mode),
  };
}

/** DEZI_TARIFF_FILE, read and checked at start: a wrong tariff stops Dezi with the reason. */
function parseTariffFile(path: string): Tariff {
  try {
    return loadTariffFile(resolve(path));
  } catch (err) {
    if (err instanceof TariffError) throw new ConfigError(`DEZI_TARIFF_FILE: ${err.message}`);
    throw err;
  }
}
