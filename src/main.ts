#!/usr/bin/env node
// The dezi command: start | migrate | client add | keys rotate | keys list | register commands
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { chainAudit } from './audit/audit.ts';
import { DataDirectoryError } from './db/directory.ts';
import { migrate } from './db/migrate.ts';
import { Secrets } from './secrets.ts';
import {
  ensureSigningKey,
  ID_TOKEN_ALGS,
  isIdTokenAlg,
  loadKeySet,
  rotateSigningKey,
  type IdTokenAlg,
} from './oidc/keys.ts';
import { createProvider, TTL } from './oidc/provider.ts';
import {
  addClient,
  encryptionKeyOf,
  USERINFO_ENC_PROPERTY,
  userinfoSigningAlgOf,
  USERINFO_ENC_VALUES,
  type UserinfoEnc,
} from './oidc/clients.ts';
import { LOA } from './means/loa.ts';
import { parseMeansWindowArg, PolicyError, type MeansWindow } from './means/policy.ts';
import { VERKLARING_LIFETIME_SECONDS } from './verklaring/verklaring.ts';
import { registerFor } from './invalidation.ts';
import { createDezi, rotateTestEseal } from './server.ts';
import { ApiCliUsageError, apiClientAdd, parseApiClientArgs } from './api/cli.ts';
import {
  CliUsageError,
  operator as cliOperator,
  REGISTER_COMMANDS,
  REGISTER_USAGE,
  runRegisterCommand,
} from './register/cli.ts';
import { OPERATOR_USAGE, OperatorError, runOperatorCommand } from './portal/beheer/operators.ts';
import { FEES_COMMANDS, FEES_USAGE, runFeesCommand } from './register/fees-cli.ts';
import { Fees } from './register/fees.ts';
import { tariffFor } from './register/tariff.ts';
import { RegisterError } from './register/register.ts';
import { installShutdown } from './ops/shutdown.ts';
import { DeziError } from './errors.ts';

const USAGE = `Usage: dezi <command>

  start [--only mitz]            run Dezi (PORT, DEZI_ISSUER, DATABASE_URL, DEZI_SECRET, DEZI_MODE);
                                 --only mitz: the consent service Mitz on its own
  migrate                        apply database migrations and exit
  client add --name NAME --redirect-uri URL [--redirect-uri URL …]
             (--public | --jwks FILE) [--encryption-cert FILE.pem] [--userinfo-enc A128CBC-HS256]
             [--organization NAME] [--public-subject] [--require-par] [--require-signed-request]
             [--default-acr low|substantial|high] [--register-api]
             [--id-token-alg RS256|PS256|ES256] [--userinfo-alg RS256|PS256|ES256]
             [--allow-means ID[:FROM..UNTIL] …] [--exclude-means ID[:FROM..UNTIL] …]
                                 register a zorgapplicatie (prints its client_id). --public: a public
                                 client with PKCE, as the koppelvlak has it; --jwks: the public keys of
                                 a private_key_jwt client. --encryption-cert: the certificate userinfo
                                 is encrypted to (without one: the signed envelope). --id-token-alg,
                                 --userinfo-alg: how id_tokens and the envelope are signed (RS256, the
                                 koppelvlak's, unless given). Dates YYYY-MM-DD
                                 (e.g. --allow-means uzi-pas:..2027-07-01: UZI-pas until 1 July 2027)
  keys rotate                    add new id_token signing keys (RS256, PS256, ES256, together); the
                                 old ones stay published until everything they signed has expired
  keys rotate --eseal            proeftuin: a new TEST eSeal certificate (production: replace the
                                 files DEZI_ESEAL_KEY_FILE and DEZI_ESEAL_CERT_FILE name)
  keys list                      list the published id_token keys and eSeal certificates
  api-client add --name NAME --jwks FILE (--abonnee NNNNNNNN | --operator)
                                 register a client of the REST API (prints its client_id)
${REGISTER_USAGE}${OPERATOR_USAGE}${FEES_USAGE}`;

async function withDatabase<T>(fn: (ctx: Awaited<ReturnType<typeof open>>) => Promise<T>): Promise<T> {
  const ctx = await open();
  try {
    return await fn(ctx);
  } finally {
    // What the command wrote to the audit trail is chained before it exits (no server may be running).
    await chainAudit(ctx.db, { wait: true }).catch(() => undefined);
    await ctx.db.close();
  }
}

async function open() {
  const config = loadConfig();
  const db = await openDatabase(config.database);
  await migrate(db);
  const secrets = new Secrets(config.secret);
  await ensureSigningKey(db, secrets);
  return { config, db, secrets };
}

async function start(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { only: { type: 'string' } }, strict: true });
  if (values.only !== undefined && values.only !== 'mitz')
    throw new UsageError(`--only takes "mitz", got "${values.only}"`);
  const config = { ...loadConfig(), ...(values.only ? { only: 'mitz' as const } : {}) };
  const dezi = await createDezi(config);
  await dezi.app.listen({ host: config.host, port: config.port });
  const lines = [
    '',
    `Dezi draait / is running: ${config.issuer}`,
    `  mode:        ${config.mode}`,
    `  database:    ${config.database.kind === 'postgres' ? 'PostgreSQL' : `PGlite (${config.database.dataDir ?? 'in memory'})`}`,
    `  discovery:   ${config.issuer}/.well-known/openid-configuration`,
    `  eSeal:       ${config.issuer}/dezi/jwks.json   revocation list: ${config.issuer}/revocatiecontrole/v1`,
  ];
  lines.push(...dezi.banner);
  console.log(lines.join('\n'));
  installShutdown({ drain: () => dezi.drain(), close: () => dezi.close(), log: dezi.app.log });
}

async function clientAdd(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      jwks: { type: 'string' },
      public: { type: 'boolean', default: false },
      'encryption-cert': { type: 'string' },
      'userinfo-enc': { type: 'string' },
      'id-token-alg': { type: 'string' },
      'userinfo-alg': { type: 'string' },
      'register-api': { type: 'boolean', default: false },
      organization: { type: 'string' },
      'public-subject': { type: 'boolean', default: false },
      'require-par': { type: 'boolean', default: false },
      'require-signed-request': { type: 'boolean', default: false },
      'default-acr': { type: 'string' },
      'allow-means': { type: 'string', multiple: true },
      'exclude-means': { type: 'string', multiple: true },
    },
    strict: true,
  });
  if (!values.name || !values['redirect-uri']?.length) {
    throw new UsageError('client add needs --name and --redirect-uri');
  }
  if (!values.public && !values.jwks) {
    throw new UsageError('client add needs --jwks (the keys of a private_key_jwt client) or --public');
  }
  const userinfoEnc = values['userinfo-enc'];
  if (userinfoEnc !== undefined && !(USERINFO_ENC_VALUES as readonly string[]).includes(userinfoEnc)) {
    throw new UsageError(`--userinfo-enc must be one of ${USERINFO_ENC_VALUES.join(', ')}`);
  }
  for (const option of ['id-token-alg', 'userinfo-alg'] as const) {
    const alg = values[option];
    if (alg !== undefined && !isIdTokenAlg(alg))
      throw new UsageError(`--${option} must be one of ${ID_TOKEN_ALGS.join(', ')}`);
  }
  const defaultAcr = values['default-acr'];
  if (defaultAcr !== undefined && !Object.hasOwn(LOA, defaultAcr)) {
    throw new UsageError('--default-acr must be low, substantial or high');
  }
  let allowedMeans: MeansWindow[];
  let excludedMeans: MeansWindow[];
  try {
    allowedMeans = (values['allow-means'] ?? []).map((a) => parseMeansWindowArg('--allow-means', a));
    excludedMeans = (values['exclude-means'] ?? []).map((a) => parseMeansWindowArg('--exclude-means', a));
  } catch (err) {
    if (err instanceof PolicyError) throw new UsageError(err.message);
    throw err;
  }
  let jwks: { keys: unknown[] } | undefined;
  if (values.jwks) {
    try {
      jwks = JSON.parse(readFileSync(values.jwks, 'utf8'));
    } catch (err) {
      throw new UsageError(`cannot read JWKS from ${values.jwks}: ${(err as Error).message}`);
    }
  }
  let encryptionCertPem: string | undefined;
  if (values['encryption-cert']) {
    try {
      encryptionCertPem = readFileSync(values['encryption-cert'], 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${values['encryption-cert']}: ${(err as Error).message}`);
    }
  }
  await withDatabase(async ({ config, db, secrets }) => {
    const keys = await loadKeySet(db, secrets);
    const provider = createProvider({
      issuer: config.issuer,
      db,
      secrets,
      keys,
      register: registerFor(db, secrets, config),
      registrationToken: null,
      proeftuin: config.mode === 'proeftuin',
      trustProxy: false,
    });
    const client = await addClient(provider, {
      clientName: values.name!,
      organizationName: values.organization,
      redirectUris: values['redirect-uri']!,
      public: values.public,
      jwks,
      encryptionCertPem,
      userinfoEnc: userinfoEnc as UserinfoEnc | undefined,
      idTokenAlg: values['id-token-alg'] as IdTokenAlg | undefined,
      userinfoAlg: values['userinfo-alg'] as IdTokenAlg | undefined,
      registerApi: values['register-api'],
      publicSubject: values['public-subject'],
      requirePar: values['require-par'],
      requireSignedRequestObject: values['require-signed-request'],
      defaultAcrValues: defaultAcr ? [LOA[defaultAcr as keyof typeof LOA]] : undefined,
      allowedMeans,
      excludedMeans,
    });
    console.log(
      JSON.stringify(
        {
          client_id: client.client_id,
          client_name: client.client_name,
          token_endpoint_auth_method: client.token_endpoint_auth_method,
          id_token_signed_response_alg: client.id_token_signed_response_alg,
          userinfo_signed_response_alg: userinfoSigningAlgOf(client as Record<string, unknown>),
          userinfo: encryptionKeyOf(client.jwks)
            ? `JWE (RSA-OAEP, ${(client as Record<string, unknown>)[USERINFO_ENC_PROPERTY] ?? USERINFO_ENC_VALUES[0]})`
            : 'signed envelope (no encryption key registered)',
        },
        null,
        2,
      ),
    );
  });
}

/** Proeftuin: a new TEST eSeal certificate under the TEST CA; production rotates by replacing files. */
async function rotateEseal(): Promise<void> {
  const config = loadConfig();
  if (config.eseal?.kind !== 'test') {
    throw new UsageError(
      'the eSeal comes from DEZI_ESEAL_KEY_FILE and DEZI_ESEAL_CERT_FILE: replace those files (key and certificate ' +
        'together); running instances pick the new pair up within DEZI_KEY_POLL_SECONDS',
    );
  }
  if (config.eseal.dir === null) throw new UsageError('no data directory to keep the TEST eSeal in');
  await rotateTestEseal(config.eseal.dir);
  console.log('new TEST eSeal certificate; running instances pick it up within a few seconds');
}

class UsageError extends DeziError {}

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  if (command === 'start') return start(argv.slice(1));
  switch (`${command ?? ''} ${sub ?? ''}`.trim()) {
    case 'migrate':
      return withDatabase(async () => console.log('migrations applied'));
    case 'client add':
      return clientAdd(rest);
    case 'api-client add': {
      const parsed = parseApiClientArgs(rest);
      return withDatabase(async ({ config, db, secrets }) =>
        console.log(
          JSON.stringify({
            client_id: await apiClientAdd(parsed, db, registerFor(db, secrets, config)),
          }),
        ),
      );
    }
    case 'keys rotate': {
      const { values } = parseArgs({ args: rest, options: { eseal: { type: 'boolean', default: false } } });
      if (values.eseal) return rotateEseal();
      return withDatabase(async ({ db, secrets }) => {
        await rotateSigningKey(db, secrets, VERKLARING_LIFETIME_SECONDS + TTL.IdToken);
        const keys = await loadKeySet(db, secrets);
        const kids = ID_TOKEN_ALGS.map((alg) => `${keys.currentByAlg[alg].kid} ${alg}`).join(', ');
        console.log(`new signing keys ${kids}; running instances pick them up within a few seconds`);
      });
    }
    case 'keys list':
      return withDatabase(async ({ db, secrets }) => {
        const keys = await loadKeySet(db, secrets);
        console.log('id_token and envelope keys (/openid/connect/jwks.json):');
        for (const k of keys.published)
          console.log(
            `  ${k.kid} ${k.alg}${k === keys.currentByAlg[k.alg as IdTokenAlg] ? ' (current)' : ''}`,
          );
        console.log('eSeal certificates (/dezi/jwks.json):');
        const rows = await db.query<{
          kid: string;
          not_after: Date;
          retired_at: Date | null;
          jwk: { x5c: string[] };
        }>('SELECT kid, not_after, retired_at, jwk FROM eseal_certificates ORDER BY registered_at DESC');
        if (rows.length === 0) console.log('  none yet: Dezi registers its eSeal when it starts');
        for (const r of rows) {
          const subject = new X509Certificate(Buffer.from(r.jwk.x5c[0]!, 'base64')).subject.replace(
            /\n/g,
            ', ',
          );
          const state = r.retired_at ? `retired ${r.retired_at.toISOString()}` : 'current';
          console.log(`  ${r.kid} ${subject}, valid until ${r.not_after.toISOString()} (${state})`);
        }
      });
    case 'operator add':
    case 'operator remove':
    case 'operator list': {
      const name = `${command} ${sub}`;
      process.exitCode = await withDatabase(({ config, db, secrets }) =>
        runOperatorCommand(
          {
            db,
            register: registerFor(db, secrets, config),
            configured: config.operators ?? [],
            out: (l) => console.log(l),
            err: (l) => console.error(l),
          },
          name,
          rest,
          cliOperator,
        ),
      );
      return;
    }
    default: {
      const name = `${command ?? ''} ${sub ?? ''}`.trim();
      if (FEES_COMMANDS.has(name)) {
        process.exitCode = await withDatabase(({ config, db, secrets }) =>
          runFeesCommand(
            {
              db,
              register: registerFor(db, secrets, config),
              fees: new Fees(db, tariffFor(config)),
              out: (l) => console.log(l),
              err: (l) => console.error(l),
              tty: process.stderr.isTTY === true,
            },
            name,
            rest,
          ),
        );
        return;
      }
      if (!REGISTER_COMMANDS.has(name))
        throw new UsageError(command ? `unknown command: ${argv.join(' ')}` : 'no command given');
      process.exitCode = await withDatabase(({ config, db, secrets }) =>
        runRegisterCommand(
          {
            db,
            register: registerFor(db, secrets, config),
            out: (l) => console.log(l),
            err: (l) => console.error(l),
            tty: process.stderr.isTTY === true,
          },
          name,
          rest,
        ),
      );
    }
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const parseArgsError = (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true;
  if (
    err instanceof UsageError ||
    err instanceof ConfigError ||
    err instanceof CliUsageError ||
    err instanceof ApiCliUsageError ||
    parseArgsError
  ) {
    console.error(`dezi: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (err instanceof RegisterError || err instanceof DataDirectoryError || err instanceof OperatorError) {
    console.error(`dezi: ${err.message}`);
    process.exit(1);
  }
  // oidc-provider's errors carry the useful part in error_description.
  const description = (err as { error_description?: string }).error_description;
  console.error(`dezi: ${(err as Error).message}${description ? `: ${description}` : ''}`);
  process.exit(1);
});
