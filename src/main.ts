#!/usr/bin/env node
// The dezi command: start | migrate | client add | keys rotate | keys list | register commands
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { DataDirectoryError } from './db/directory.ts';
import { migrate } from './db/migrate.ts';
import { Secrets } from './secrets.ts';
import { ensureSigningKey, loadKeySet, rotateSigningKey } from './oidc/keys.ts';
import { createProvider, TTL } from './oidc/provider.ts';
import { addClient } from './oidc/clients.ts';
import { LOA } from './means/loa.ts';
import { parseMeansWindowArg, PolicyError, type MeansWindow } from './means/policy.ts';
import { Register } from './register/register.ts';
import { VERKLARING_LIFETIME_SECONDS } from './verklaring/verklaring.ts';
import { createDezi } from './server.ts';
import { ApiCliUsageError, apiClientAdd, parseApiClientArgs } from './api/cli.ts';
import { CliUsageError, REGISTER_COMMANDS, REGISTER_USAGE, runRegisterCommand } from './register/cli.ts';
import { RegisterError } from './register/register.ts';
import { bigRegisterFor } from './register/big.ts';
import { installShutdown } from './ops/shutdown.ts';

const USAGE = `Usage: dezi <command>

  start                          run Dezi (PORT, DEZI_ISSUER, DATABASE_URL, DEZI_SECRET, DEZI_MODE)
  migrate                        apply database migrations and exit
  client add --name NAME --redirect-uri URL [--redirect-uri URL …] --jwks FILE
             [--organization NAME] [--public-subject] [--require-par] [--require-signed-request]
             [--default-acr low|substantial|high]
             [--allow-means ID[:FROM..UNTIL] …] [--exclude-means ID[:FROM..UNTIL] …]
                                 register a zorgapplicatie (prints its client_id); dates YYYY-MM-DD
                                 (e.g. --allow-means uzi-pas:..2027-07-01: UZI-pas until 1 July 2027)
  keys rotate                    add a new signing key; the old one stays published until
                                 everything it signed has expired
  keys list                      list the published signing keys
  api-client add --name NAME --jwks FILE (--abonnee NNNNNNNN | --operator)
                                 register a client of the REST API (prints its client_id)
${REGISTER_USAGE}`;

async function withDatabase<T>(fn: (ctx: Awaited<ReturnType<typeof open>>) => Promise<T>): Promise<T> {
  const ctx = await open();
  try {
    return await fn(ctx);
  } finally {
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

async function start(): Promise<void> {
  const config = loadConfig();
  const dezi = await createDezi(config);
  await dezi.app.listen({ host: config.host, port: config.port });
  const lines = [
    '',
    `Dezi draait / is running: ${config.issuer}`,
    `  mode:        ${config.mode}`,
    `  database:    ${config.database.kind === 'postgres' ? 'PostgreSQL' : `PGlite (${config.database.dataDir ?? 'in memory'})`}`,
    `  discovery:   ${config.issuer}/.well-known/openid-configuration`,
  ];
  if (config.mode === 'proeftuin') {
    lines.push(
      `  proeftuin:   ${config.issuer}/proeftuin   (test persons, how to connect)`,
      `  registration: ${config.issuer}/register   initial access token: ${config.registrationToken}`,
      `  example app: npm run example   (then open http://localhost:3001)`,
    );
    if (config.uziPas)
      lines.push(`  UZI-pas:     ${config.issuer}/proeftuin/uzi-pas   (TEST UZI cards to import)`);
  }
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
  if (!values.name || !values['redirect-uri']?.length || !values.jwks) {
    throw new UsageError('client add needs --name, --redirect-uri and --jwks');
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
  let jwks: { keys: unknown[] };
  try {
    jwks = JSON.parse(readFileSync(values.jwks, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read JWKS from ${values.jwks}: ${(err as Error).message}`);
  }
  await withDatabase(async ({ config, db, secrets }) => {
    const keys = await loadKeySet(db, secrets);
    const provider = createProvider({
      issuer: config.issuer,
      db,
      secrets,
      keys,
      register: new Register(db, secrets, { big: bigRegisterFor(config) }),
      registrationToken: null,
      proeftuin: config.mode === 'proeftuin',
      trustProxy: false,
    });
    const client = await addClient(provider, {
      clientName: values.name!,
      organizationName: values.organization,
      redirectUris: values['redirect-uri']!,
      jwks,
      publicSubject: values['public-subject'],
      requirePar: values['require-par'],
      requireSignedRequestObject: values['require-signed-request'],
      defaultAcrValues: defaultAcr ? [LOA[defaultAcr as keyof typeof LOA]] : undefined,
      allowedMeans,
      excludedMeans,
    });
    console.log(JSON.stringify({ client_id: client.client_id, client_name: client.client_name }, null, 2));
  });
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  switch (`${command ?? ''} ${sub ?? ''}`.trim()) {
    case 'start':
      return start();
    case 'migrate':
      return withDatabase(async () => console.log('migrations applied'));
    case 'client add':
      return clientAdd(rest);
    case 'api-client add': {
      const parsed = parseApiClientArgs(rest);
      return withDatabase(async ({ config, db, secrets }) =>
        console.log(
          JSON.stringify({
            client_id: await apiClientAdd(
              parsed,
              db,
              new Register(db, secrets, { big: bigRegisterFor(config) }),
            ),
          }),
        ),
      );
    }
    case 'keys rotate':
      return withDatabase(async ({ db, secrets }) => {
        const kid = await rotateSigningKey(db, secrets, VERKLARING_LIFETIME_SECONDS + TTL.IdToken);
        console.log(`new signing key ${kid}; running instances pick it up within a few seconds`);
      });
    case 'keys list':
      return withDatabase(async ({ db, secrets }) => {
        const keys = await loadKeySet(db, secrets);
        for (const k of keys.published)
          console.log(`${k.kid} ${k.alg}${k === keys.current ? ' (current)' : ''}`);
      });
    default: {
      const name = `${command ?? ''} ${sub ?? ''}`.trim();
      if (!REGISTER_COMMANDS.has(name))
        throw new UsageError(command ? `unknown command: ${argv.join(' ')}` : 'no command given');
      process.exitCode = await withDatabase(({ config, db, secrets }) =>
        runRegisterCommand(
          {
            db,
            register: new Register(db, secrets, { big: bigRegisterFor(config) }),
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
  if (err instanceof RegisterError || err instanceof DataDirectoryError) {
    console.error(`dezi: ${err.message}`);
    process.exit(1);
  }
  // oidc-provider's errors carry the useful part in error_description.
  const description = (err as { error_description?: string }).error_description;
  console.error(`dezi: ${(err as Error).message}${description ? `: ${description}` : ''}`);
  process.exit(1);
});
