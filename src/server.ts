// Composes Dezi from its modules: the one place where the parts meet.
import type { Writable } from 'node:stream';
import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyError } from 'fastify';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import type Provider from 'oidc-provider';
import { ConfigError, DEFAULT_KOPPELVLAK, type DeziConfig } from './config.ts';
import { isUnavailable, openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { SingleUseStore } from './db/single-use.ts';
import { Secrets } from './secrets.ts';
import { ensureSigningKey, KeyRing, type KeySet } from './oidc/keys.ts';
import { LiveProvider } from './oidc/live-provider.ts';
import { createProvider, TTL } from './oidc/provider.ts';
import { purgeExpired, withRequestReads } from './oidc/adapter.ts';
import { userinfoRoutes } from './oidc/userinfo.ts';
import { Register } from './register/register.ts';
import { bigRegisterFor } from './register/big.ts';
import {
  revokeVerklaringen,
  VERKLARING_LIFETIME_SECONDS,
  VerklaringService,
} from './verklaring/verklaring.ts';
import { verklaringRoutes } from './verklaring/routes.ts';
import { EsealRing, fileEsealSource, type EsealSource } from './verklaring/eseal.ts';
import { RevocationListCache } from './verklaring/revocation-list.ts';
import { loadTestEseal, type TestEseal } from './proeftuin/eseal-pki.ts';
import { MeansRegistry } from './means/registry.ts';
import { LOA } from './means/loa.ts';
import { digidFromConfig } from './means/digid/setup.ts';
import { purgeSamlState } from './means/digid/requests.ts';
import { setupYivi } from './means/yivi/compose.ts';
import { setupOidcMeans } from './means/oidc/compose.ts';
import { brokerRoutes, loginForGrant } from './broker/broker.ts';
import { recordAudit } from './audit/audit.ts';
import { seedProeftuin } from './proeftuin/seed.ts';
import { digidIdpRoutes } from './proeftuin/digid-idp.ts';
import { proeftuinPages } from './proeftuin/pages.ts';
import { setupUziPas } from './means/uzi-pas/setup.ts';
import { loadTestUziPki } from './proeftuin/uzi-pki.ts';
import { proeftuinCrlSources, uziProeftuinRoutes } from './proeftuin/uzi-pages.ts';
import { TEST_MEANS_ID, TEST_MEANS_PATH, testMeansRoutes, testMeansToken } from './proeftuin/test-means.ts';
import { createTestMeans } from './proeftuin/test-means-adapter.ts';
import { Web, staticRoutes } from './web/web.ts';
import { html } from './web/html.ts';
import { createPortal } from './portal/portal.ts';
import { apiRoutes } from './api/routes.ts';
import { t } from './web/i18n.ts';
import { DEFAULT_OPS } from './ops/config.ts';
import { healthRoutes } from './ops/health.ts';
import { metricsRoutes } from './ops/metrics.ts';
import { OneLinePerRequest, processLog } from './ops/logging.ts';
import { AuditChainer } from './audit/chainer.ts';
import { rateLimitHook, RateLimiter, RateLimitedError, sendRateLimited } from './ops/rate-limit.ts';
import { RETRY_AFTER_SECONDS, sendUnavailable } from './ops/unavailable.ts';

export interface Dezi {
  app: FastifyInstance;
  provider: Provider;
  db: Database;
  register: Register;
  means: MeansRegistry;
  /** The keys signing now; follows a rotation made by another instance within keyPollSeconds. */
  keys: KeySet;
  keyRing: KeyRing;
  /** The eSeal that signs verklaringen and the revocation list. */
  eseal: EsealRing;
  revocationList: RevocationListCache;
  /** The proeftuin's TEST eSeal (its CA, rotation), when that is what signs. */
  testEseal: TestEseal | null;
  secrets: Secrets;
  config: DeziConfig;
  /** Readiness fails from now on; called first on SIGTERM. */
  drain(): void;
  close(): Promise<void>;
}

export interface CreateOptions {
  /** Where log lines go (tests capture them); stdout by default. */
  logStream?: Writable;
  /** An already open database (tests share one between instances). */
  db?: Database;
}

/** Paths served by oidc-provider itself. */
const PROVIDER_PATHS = [
  '/.well-known/openid-configuration',
  '/authorize',
  '/authorize/:uid',
  '/token',
  '/openid/connect/jwks.json',
  '/register',
  '/register/:clientId',
  '/par',
  '/logout',
  '/logout/confirm',
  '/logout/success',
  '/revoke',
];

/** One Content-Security-Policy for Fastify's pages (through helmet) and oidc-provider's. */
const CSP_DIRECTIVES: Record<string, string[]> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
};

const CSP = Object.entries(CSP_DIRECTIVES)
  .map(([name, values]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${values.join(' ')}`)
  .join('; ');

function setSecurityHeaders(res: ServerResponse, https: boolean): void {
  res.setHeader('content-security-policy', CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  if (https) res.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
}

export async function createDezi(config: DeziConfig, options: CreateOptions = {}): Promise<Dezi> {
  const db = options.db ?? (await openDatabase(config.database));
  await migrate(db);
  const secrets = new Secrets(config.secret);
  await ensureSigningKey(db, secrets);
  const keyRing = await KeyRing.open(db, secrets);
  const ops = config.ops ?? DEFAULT_OPS;
  // A change in the register revokes the verklaringen it makes untrue, in the change's transaction.
  const register = new Register(db, secrets, {
    big: bigRegisterFor(config),
    onInvalidated: revokeVerklaringen,
  });
  const proeftuin = config.mode === 'proeftuin';
  if (proeftuin) await seedProeftuin(register);

  const https = config.issuer.startsWith('https:');
  // The level asked for when neither the request nor the client names one.
  const defaultMinimumLoa = LOA.high;
  const web = new Web(secrets, { proeftuin, secureCookies: https });
  const limiter = new RateLimiter(db, ops.rateLimits.windowSeconds);
  const buildProvider = (keys: KeySet) =>
    createProvider({
      issuer: config.issuer,
      db,
      secrets,
      keys,
      register,
      registrationToken: config.registrationToken,
      proeftuin,
      trustProxy: config.trustProxy,
      defaultMinimumLoa,
      rateLimitClient: (clientId) => limiter.hit('token-client', clientId, ops.rateLimits.tokenPerClient),
    });
  const koppelvlak = config.koppelvlak ?? DEFAULT_KOPPELVLAK;
  let testEseal: TestEseal | null = null;
  let esealSource: EsealSource;
  const esealConfig =
    config.eseal === undefined && proeftuin ? { kind: 'test' as const, dir: null } : config.eseal;
  if (esealConfig?.kind === 'files') {
    esealSource = fileEsealSource(esealConfig.keyFile, esealConfig.certFile);
  } else if (esealConfig?.kind === 'test' && proeftuin) {
    testEseal = await loadTestEseal(esealConfig.dir);
    esealSource = testEseal.source;
  } else {
    throw new ConfigError(
      'DEZI_ESEAL_KEY_FILE and DEZI_ESEAL_CERT_FILE are required in production: the eSeal private key and its ' +
        'certificate chain (PEM) that sign verklaringen and the revocation list',
    );
  }
  const revocationValidity = koppelvlak.revocationListValiditySeconds;
  // A retired eSeal stays published as long as anything it signed can still be relied on.
  const eseal = await EsealRing.open(db, esealSource, VERKLARING_LIFETIME_SECONDS + revocationValidity);
  const verklaringen = new VerklaringService(
    db,
    {
      iss: koppelvlak.verklaringIssuer,
      schemaUri: `${koppelvlak.schemaBase}/verklaring.json`,
      authority: config.issuer,
    },
    () => eseal.current,
  );

  const means = new MeansRegistry({ disabled: config.disabledMeans });
  const digid = await digidFromConfig(config, db, secrets);
  if (digid) means.register(digid.means);

  const uziPki =
    proeftuin && config.uziPas
      ? await loadTestUziPki(config.uziPas.testPkiDir, [
          ...new Set([new URL(config.uziPas.certificateUrl).hostname, 'localhost', '127.0.0.1']),
        ])
      : null;
  const meansDeps = { issuer: config.issuer, proeftuin, secrets, web, means };
  const yiviRoutes = await setupYivi({ ...meansDeps, configured: config.yivi, db });
  const oidcMeansRoutes = await setupOidcMeans({
    ...meansDeps,
    configured: config.oidcMeans,
    register,
    securityHeaders: (res) => setSecurityHeaders(res, https),
  });
  if (proeftuin) {
    const testMeans = createTestMeans({
      baseUrl: `${config.issuer}${TEST_MEANS_PATH}`,
      token: testMeansToken(secrets),
    });
    means.register(testMeans);
  }

  const log = processLog(config.logLevel, options.logStream);
  const app = Fastify({
    loggerInstance: log.logger,
    logController: new OneLinePerRequest(),
    trustProxy: config.trustProxy,
    // Schemas (the REST API) reject what they do not describe instead of dropping or coercing it.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
  });
  // Each request reads the interaction, session and grant from the database once (oidc/adapter.ts).
  app.addHook('preHandler', withRequestReads);
  const auditChainer = new AuditChainer(db, app.log);
  auditChainer.start();
  // Every Provider built (at start and after each key rotation) gets the same listeners.
  const live = new LiveProvider(buildProvider(keyRing.keys), (p) => {
    p.on('server_error', (_ctx, err) => {
      app.log.error(
        { err: { type: err.name, message: err.message, stack: err.stack } },
        'oidc-provider server_error',
      );
    });
    p.use(async (ctx, next) => {
      await next();
      if (ctx.status === 503) ctx.set('retry-after', String(RETRY_AFTER_SECONDS));
    });
  });
  keyRing.onChange((keys) => {
    live.swap(buildProvider(keys));
    app.log.info({ kid: keys.current.kid }, 'signing keys changed; provider rebuilt');
  });
  const provider = live.handle;
  const portal = createPortal({ issuer: config.issuer, db, provider, register, means, secrets, web });

  const uziPas = config.uziPas
    ? await setupUziPas({
        config: config.uziPas,
        db,
        secrets,
        web,
        logger: app.log,
        cspDirectives: CSP_DIRECTIVES,
        test: uziPki
          ? {
              caPems: uziPki.caPems,
              server: uziPki.server,
              crlSources: proeftuinCrlSources(config.issuer, uziPki),
            }
          : undefined,
      })
    : null;
  if (uziPas) {
    means.register(uziPas.means);
    const listener = uziPas.listener;
    if (listener) {
      app.addHook('onReady', () => listener.start());
      app.addHook('onClose', () => listener.close());
    }
  }

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: CSP_DIRECTIVES,
    },
    // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on form posts,
    // and the Origin check against cross-site posts needs the real origin.
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: https ? { maxAge: 31536000, includeSubDomains: true } : false,
  });
  await app.register(formbody, { bodyLimit: 16 * 1024 });

  let draining = false;
  await healthRoutes(app, { db, keys: keyRing, draining: () => draining });
  await metricsRoutes(app, { db, token: ops.metricsToken, open: proeftuin });
  await rateLimitHook(app, { limiter, limits: ops.rateLimits, web });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isUnavailable(err)) return sendUnavailable(web, req, reply);
    if (err instanceof RateLimitedError) return sendRateLimited(web, req, reply, err);
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500)
      req.log.error({ err: { type: err.name, message: err.message, stack: err.stack } }, 'request failed');
    else req.log.info({ status, code: err.code }, 'request rejected');
    const wantsHtml = (req.headers.accept ?? '').includes('text/html');
    if (!wantsHtml) {
      return reply.code(status).send({
        error: status === 500 ? 'server_error' : 'invalid_request',
        error_description: status === 500 ? 'internal error' : err.message,
      });
    }
    return web.renderProblem(req, reply, {
      status,
      titleKey: status === 500 ? 'error.server.title' : 'error.bad_request.title',
      bodyKey: status === 500 ? 'error.server.body' : 'error.bad_request.body',
    });
  });
  app.setNotFoundHandler((req, reply) => {
    if (!(req.headers.accept ?? '').includes('text/html'))
      return reply.code(404).send({ error: 'not_found' });
    return web.renderProblem(req, reply, {
      status: 404,
      titleKey: 'error.not_found.title',
      bodyKey: 'error.not_found.body',
    });
  });

  await app.register(staticRoutes);
  app.get('/', async (req, reply) => {
    const lang = web.lang(req, reply);
    return web.render(req, reply, {
      lang,
      title: t(lang, 'home.title'),
      body: html`<h1>${t(lang, 'home.title')}</h1>
        <p>${t(lang, 'home.body')}</p>
        ${proeftuin ? html`<p><a href="/proeftuin">Proeftuin</a></p>` : ''}`,
    });
  });
  app.get('/favicon.ico', async (_req, reply) =>
    reply.code(204).header('cache-control', 'public, max-age=86400').send(),
  );

  const revocationList = new RevocationListCache(
    {
      iss: config.issuer,
      schemaUri: `${koppelvlak.schemaBase}/revocatielijst.json`,
      jku: verklaringen.jku,
      refreshSeconds: koppelvlak.revocationListRefreshSeconds,
      validitySeconds: revocationValidity,
    },
    () => eseal.current,
    () => verklaringen.revokedUnexpired(),
    (err) => app.log.warn({ err: { message: (err as Error).message } }, 'revocation list not rebuilt'),
  );
  eseal.onChange((key) => {
    app.log.info({ kid: key.kid }, 'eSeal changed');
    void revocationList.rebuild();
  });
  app.addHook('onReady', () => revocationList.start());
  app.addHook('onClose', async () => revocationList.stop());
  await app.register(verklaringRoutes, { verklaringen, revocationList, esealJwks: () => eseal.jwksJson });
  // The id_token keys moved to the spec's path; a stored verklaring of before still names /jwks.
  app.get('/jwks', async (_req, reply) => reply.redirect('/openid/connect/jwks.json', 308));
  await app.register(userinfoRoutes, {
    issuer: config.issuer,
    schemaUri: `${koppelvlak.schemaBase}/userinfo.json`,
    provider,
    secrets,
    signingKey: (alg) => keyRing.keys.currentByAlg[alg],
    loginForGrant: (grantId: string) => loginForGrant(db, verklaringen, grantId),
    onDelivered: (e) =>
      recordAudit(db, {
        actor: 'system',
        action: 'verklaring.deliver',
        outcome: 'success',
        clientId: e.clientId,
        detail: { verklaring_id: e.verklaringId },
      }),
  });
  await app.register(brokerRoutes, {
    issuer: config.issuer,
    db,
    provider,
    register,
    means,
    verklaringen,
    web,
    interactionTtlSeconds: TTL.Interaction,
    grantTtlSeconds: TTL.Grant,
    defaultMinimumLoa,
    completions: [portal.completion],
    registration: portal.registration,
  });
  await app.register(portal.routes);
  await app.register(apiRoutes, { issuer: config.issuer, db, provider, register });
  if (digid) await app.register(digid.routes, { web });
  await app.register(yiviRoutes);
  await app.register(oidcMeansRoutes);
  if (proeftuin) {
    if (digid?.standIn) {
      await app.register(digidIdpRoutes, {
        issuer: config.issuer,
        db,
        secrets,
        web,
        sp: { entityId: digid.sp.entityId, acsUrl: digid.sp.acsUrl, certificate: digid.sp.key.certificate },
      });
    }
    await app.register(proeftuinPages, { issuer: config.issuer, web, esealCaPem: testEseal?.caPem ?? null });
    if (uziPki) await app.register(uziProeftuinRoutes, { web, pki: uziPki });
    await app.register(testMeansRoutes, {
      issuer: config.issuer,
      secrets,
      web,
      switchToken: config.registrationToken!,
      onSwitch: () => means.forgetHealth(TEST_MEANS_ID),
    });
  }
  if (uziPas?.proxyRoutes) await app.register(uziPas.proxyRoutes);

  // oidc-provider answers its own routes; Fastify must leave the request body unread for it.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    for (const path of PROVIDER_PATHS) {
      scope.all(path, (req, reply) => {
        reply.hijack();
        setSecurityHeaders(reply.raw, https);
        live.serve(req.raw, reply.raw);
      });
    }
  });

  const purge = setInterval(() => {
    void Promise.all([
      purgeExpired(db),
      db.query('DELETE FROM broker_transactions WHERE expires_at < now()'),
      db.query('DELETE FROM broker_logins WHERE expires_at < now()'),
      db.query("DELETE FROM proeftuin_digid_artifacts WHERE expires_at < now() - interval '1 hour'"),
      portal.purgeExpired(),
      SingleUseStore.purge(db),
      purgeSamlState(db),
      limiter.purge(),
    ]).catch((err) => app.log.warn({ err: { message: (err as Error).message } }, 'purge failed'));
  }, 60_000);
  purge.unref();
  const keyPoll = setInterval(() => {
    keyRing
      .refresh()
      .catch((err) => app.log.warn({ err: { message: (err as Error).message } }, 'key refresh failed'));
    eseal
      .refresh()
      .catch((err) => app.log.warn({ err: { message: (err as Error).message } }, 'eSeal refresh failed'));
  }, ops.keyPollSeconds * 1000);
  keyPoll.unref();

  return {
    app,
    provider,
    db,
    register,
    means,
    get keys() {
      return keyRing.keys;
    },
    keyRing,
    eseal,
    revocationList,
    testEseal,
    secrets,
    config,
    drain() {
      draining = true;
    },
    async close() {
      draining = true;
      clearInterval(purge);
      clearInterval(keyPoll);
      await app.close();
      await auditChainer.close();
      if (!options.db) await db.close();
      log.flush();
    },
  };
}
