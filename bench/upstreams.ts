// The upstreams a Dezi in production talks to, played by stand-ins in processes of their own, so
// that the benchmark counts only Dezi's CPU (a real DigiD does not cost Dezi its signatures):
//  - the proeftuin's DigiD SAML IdP (metadata, SSO over HTTP-Redirect, artifact resolution over
//    SOAP), the same code Dezi's proeftuin mounts, here on its own port and its own database;
//  - an OpenID Connect means supplier: oidc-provider with private_key_jwt, PKCE and acr, configured
//    as the proeftuin's OIDC stand-in is, delivering a UZI-nummer in the ID token (a hospital pass).
// The IdP runs in DIGID_WORKERS processes (node:cluster, its state in PostgreSQL), so that a real
// DigiD's promptness is approached: one stand-in process queued behind 32 logins' signatures and
// encryptions answered Dezi's health check and back channel later than their deadlines.
// Run as a child process of the benchmark: BENCH_UPSTREAMS (JSON, see Settings) in env; prints
// "upstreams ready" and the JSON list of its processes' pids (the benchmark reads their CPU).
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { digidIdpRoutes } from '../src/proeftuin/digid-idp.ts';
import { Secrets } from '../src/secrets.ts';
import { Web } from '../src/web/web.ts';

export interface Settings {
  /** A database of the stand-ins' own (the IdP's key and artifacts, shared by its processes). */
  databaseUrl: string;
  /** Hex; seals the IdP's key in that database, so that a restart for the next row finds it again. */
  secret: string;
  digid: {
    port: number;
    /** The one SP the IdP serves: the measured Dezi (its certificate from the file Dezi reads too). */
    sp: { entityId: string; acsUrl: string; certFile: string };
  };
  oidc: {
    port: number;
    clientId: string;
    redirectUri: string;
    /** The public half of Dezi's private_key_jwt key for this supplier. */
    clientJwk: JWK;
    acr: string;
  };
}

/** Where the OP's account page posts to: bench/flows.ts recognises the form by this path. */
const OP_INTERACTION_PATH = '/op/interaction';

const settings = JSON.parse(process.env.BENCH_UPSTREAMS ?? '{}') as Settings;
const secrets = new Secrets(Buffer.from(settings.secret, 'hex'));

const DIGID_WORKERS = 2;

async function digid() {
  const issuer = `http://127.0.0.1:${settings.digid.port}`;
  // As Dezi's pool: fewer connections queued logins past the pool's 2-second wait under load.
  const db = await openDatabase({ kind: 'postgres', url: settings.databaseUrl, poolSize: 10 });
  const app = Fastify({ logger: { level: 'warn' } });
  await app.register(formbody);
  await app.register(digidIdpRoutes, {
    issuer,
    db,
    secrets,
    web: new Web(secrets, { proeftuin: true, secureCookies: false }),
    sp: {
      entityId: settings.digid.sp.entityId,
      acsUrl: settings.digid.sp.acsUrl,
      certificate: readFileSync(settings.digid.sp.certFile, 'utf8'),
    },
  });
  await app.listen({ host: '127.0.0.1', port: settings.digid.port });
  return app;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

async function oidcMeansSupplier() {
  const o = settings.oidc;
  const issuer = `http://127.0.0.1:${o.port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signing = { ...(await exportJWK(privateKey)), kid: 'bench-op-1', alg: 'RS256', use: 'sig' };
  const configuration: Configuration = {
    clients: [
      {
        client_id: o.clientId,
        redirect_uris: [o.redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'private_key_jwt',
        id_token_signed_response_alg: 'RS256',
        jwks: { keys: [o.clientJwk] },
      },
    ] as Configuration['clients'],
    jwks: { keys: [signing] as never },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    // The account is the UZI-nummer the person typed; the hospital pass delivers it in the ID token.
    async findAccount(_ctx, sub) {
      return { accountId: sub, claims: async () => ({ sub, uzi_nummer: sub }) };
    },
    features: { devInteractions: { enabled: false } },
    scopes: ['openid', 'zorg'],
    claims: { openid: ['sub', 'acr', 'auth_time'], zorg: ['uzi_nummer'] },
    conformIdTokenClaims: false,
    acrValues: [o.acr],
    pkce: { required: () => true },
    responseTypes: ['code'],
    clientAuthMethods: ['private_key_jwt'],
    enabledJWA: { idTokenSigningAlgValues: ['RS256'], clientAuthSigningAlgValues: ['RS256'] },
    interactions: { url: (_ctx, interaction) => `${OP_INTERACTION_PATH}/${interaction.uid}` },
  };
  const provider = new Provider(issuer, configuration);

  // The account page: one field, as the DigiD stand-in's BSN field; the post completes the login.
  provider.use(async (ctx, next) => {
    if (!ctx.path.startsWith(`${OP_INTERACTION_PATH}/`)) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (ctx.method === 'GET') {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>OIDC means (bench)</title>
<form method="post" action="${OP_INTERACTION_PATH}/${details.uid}">
<input name="account"><button type="submit" name="action" value="login">Log in</button></form>`;
      return;
    }
    const account = (await readForm(ctx.req)).get('account') ?? '';
    if (!/^[0-9]{9}$/.test(account)) {
      ctx.status = 400;
      ctx.body = 'account must be a UZI-nummer';
      return;
    }
    const grant = new provider.Grant({ accountId: account, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { login: { accountId: account, acr: o.acr }, consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: false },
    );
    ctx.respond = false;
  });

  const server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(o.port, '127.0.0.1', resolve));
  return server;
}

if (cluster.isPrimary) {
  const db = await openDatabase({ kind: 'postgres', url: settings.databaseUrl, poolSize: 1 });
  await migrate(db);
  await db.close();
  const workers = Array.from({ length: DIGID_WORKERS }, () => cluster.fork());
  const op = await oidcMeansSupplier();
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('listening', resolve))));
  console.log(`upstreams ready ${JSON.stringify([process.pid, ...workers.map((w) => w.process.pid)])}`);
  process.on('SIGTERM', () => {
    op.closeAllConnections();
    op.close();
    for (const w of workers) w.kill('SIGTERM');
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  });
} else {
  const app = await digid();
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}
