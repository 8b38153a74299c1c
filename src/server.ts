// Composes Dezi from its modules: the one place where the parts meet. It builds the shared services
// once, runs each module's setup with them, and registers what the modules return: their routes,
// their purges in one periodic purge, their start and stop hooks (the shape is in module.ts).
import type { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import type Provider from 'oidc-provider';
import { DEFAULT_KOPPELVLAK, PROEFTUIN_SERVICEDESK, type DeziConfig } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { SingleUseStore } from './db/single-use.ts';
import { AuditChainer } from './audit/chainer.ts';
import { Secrets } from './secrets.ts';
import type { DeziModule, ModuleParts } from './module.ts';
import { DeziError } from './errors.ts';
import { ensureSigningKey, KeyRing, type KeySet } from './oidc/keys.ts';
import { liveProvider, providerModule, userinfoModule } from './oidc/module.ts';
import { createProvider, TTL } from './oidc/provider.ts';
import { withRequestReads } from './oidc/adapter.ts';
import type { Register } from './register/register.ts';
import { Fees } from './register/fees.ts';
import { tariffFor } from './register/tariff.ts';
import type { VerklaringService } from './verklaring/verklaring.ts';
import { registerFor } from './invalidation.ts';
import { openWallet, walletModule, type Wallet } from './wallet/module.ts';
import { walletMeansModule } from './means/wallet/module.ts';
import { WalletIssuance } from './wallet/issuance.ts';
import { openVerklaring, verklaringModule, type TestEseal } from './verklaring/module.ts';
import type { EsealRing } from './verklaring/eseal.ts';
import type { RevocationListCache } from './verklaring/revocation-list.ts';
import { MeansRegistry } from './means/registry.ts';
import { MeansSwitches } from './means/switches.ts';
import { LOA } from './means/loa.ts';
import { digidModule } from './means/digid/setup.ts';
import { eidasModule } from './means/eidas/setup.ts';
import { yiviModule } from './means/yivi/module.ts';
import { oidcMeansModule } from './means/oidc/module.ts';
import { uziPasModule } from './means/uzi-pas/setup.ts';
import { brokerRoutes, loginForGrant, purgeBroker } from './broker/broker.ts';
import { Web } from './web/web.ts';
import { homeModule } from './web/home.ts';
import { securityHeaders } from './web/security-headers.ts';
import { createPortal } from './portal/portal.ts';
import { apiRoutes } from './api/routes.ts';
import { ApiAuthenticator } from './api/auth.ts';
import { ApiClientStore } from './api/clients.ts';
import { mitzModule, MITZ_PREFIX } from './mitz/module.ts';
import { MitzAuthError } from './mitz/errors.ts';
import { DEFAULT_OPS } from './ops/config.ts';
import { errorHandlers } from './ops/errors.ts';
import { healthRoutes } from './ops/health.ts';
import { metricsRoutes } from './ops/metrics.ts';
import { OneLinePerRequest, processLog } from './ops/logging.ts';
import { rateLimitHook, RateLimiter } from './ops/rate-limit.ts';
import { RETRY_AFTER_SECONDS } from './ops/unavailable.ts';

/** The proeftuin: imported here only, and loaded in proeftuin mode only (see proeftuin/module.ts). */
const loadProeftuin = () => import('./proeftuin/module.ts');

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
  /** The verklaringen: issue, status, revoke (verklaring/verklaring.ts). */
  verklaringen: VerklaringService;
  /** Registration fees: dues, invoices, payments, reminders (register/fees.ts). */
  fees: Fees;
  /** The wallet issuer; null when none is configured. */
  wallet: Wallet | null;
  /** OpenID4VCI: offers, tokens and credentials; null without a wallet issuer. */
  issuance: WalletIssuance | null;
  /** The proeftuin's TEST eSeal (its CA, rotation), when that is what signs. */
  testEseal: TestEseal | null;
  secrets: Secrets;
  config: DeziConfig;
  /** Lines the modules add to the start banner. */
  banner: string[];
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

/** What the modules' setups get: the services every module may use, built once. */
export interface DeziContext {
  issuer: string;
  db: Database;
  secrets: Secrets;
  web: Web;
  log: FastifyBaseLogger;
  keyRing: KeyRing;
  register: Register;
  verklaringen: VerklaringService;
  eseal: EsealRing;
  revocationList: RevocationListCache;
  means: MeansRegistry;
  provider: Provider;
}

/** `dezi keys rotate --eseal`: a new TEST eSeal certificate in dir, under the same TEST CA. */
export async function rotateTestEseal(dir: string): Promise<void> {
  await (await (await loadProeftuin()).loadTestEseal(dir)).rotate();
}

export async function createDezi(config: DeziConfig, options: CreateOptions = {}): Promise<Dezi> {
  const db = options.db ?? (await openDatabase(config.database));
  await migrate(db);
  const secrets = new Secrets(config.secret);
  await ensureSigningKey(db, secrets);
  const keyRing = await KeyRing.open(db, secrets);
  const ops = config.ops ?? DEFAULT_OPS;
  // A change in the register revokes what it makes untrue, in the change's transaction.
  const register = registerFor(db, secrets, config);
  const inProeftuin = config.mode === 'proeftuin';
  const https = config.issuer.startsWith('https:');
  const web = new Web(secrets, {
    proeftuin: inProeftuin,
    secureCookies: https,
    servicedesk: config.servicedesk ?? (inProeftuin ? PROEFTUIN_SERVICEDESK : undefined),
  });
  const proeftuin = inProeftuin
    ? await (await loadProeftuin()).openProeftuin({ config, db, secrets, web })
    : null;

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
  const { eseal, verklaringen, revocationList, testEseal } = await openVerklaring({
    config,
    db,
    log: app.log,
    testEseal: proeftuin?.testEseal,
  });
  const wallet = await openWallet({
    config,
    db,
    testIssuer: proeftuin?.testWalletIssuer,
    testProviders: proeftuin?.testWalletProviders,
    testPidIssuers: proeftuin?.testPidIssuers,
  });
  const issuance = wallet
    ? new WalletIssuance({ issuer: config.issuer, db, secrets, register, verklaringen, wallet })
    : null;
  // The operator's switches (beheer) hold for every instance: read now, and again with the key poll.
  const means = new MeansRegistry({ disabled: config.disabledMeans, switches: new MeansSwitches(db) });
  await means.refreshSwitches();
  // The level asked for when neither the request nor the client names one.
  const defaultMinimumLoa = LOA.high;
  const limiter = new RateLimiter(db, ops.rateLimits.windowSeconds);
  const live = liveProvider({
    build: (keys) =>
      createProvider({
        issuer: config.issuer,
        db,
        secrets,
        keys,
        register,
        registrationToken: config.registrationToken,
        proeftuin: inProeftuin,
        servicedesk: web.servicedesk,
        trustProxy: config.trustProxy,
        defaultMinimumLoa,
        rateLimitClient: (clientId) => limiter.hit('token-client', clientId, ops.rateLimits.tokenPerClient),
      }),
    keyRing,
    log: app.log,
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  });
  const provider = live.handle;
  const fees = new Fees(db, tariffFor(config));
  const portal = createPortal({
    issuer: config.issuer,
    db,
    provider,
    register,
    means,
    secrets,
    web,
    operators: config.operators ?? [],
    verklaringen,
    fees,
    wallet: wallet && issuance ? { issuance, credentials: wallet.credentials } : null,
  });

  const ctx: DeziContext = {
    issuer: config.issuer,
    db,
    secrets,
    web,
    log: app.log,
    keyRing,
    register,
    verklaringen,
    eseal,
    revocationList,
    means,
    provider,
  };
  // Mitz's callers are the abonnees' API clients, by client assertion with Mitz's own audience.
  const mitzCallers = new ApiAuthenticator({
    db,
    register,
    clients: new ApiClientStore(db),
    provider,
    audience: `${config.issuer}${MITZ_PREFIX}`,
  });
  const mitz = mitzModule({
    config: config.mitz,
    seed: proeftuin?.mitzSeed,
    systems: {
      async authenticate(req) {
        const header = req.headers.authorization;
        // An access token of a person opens the register API, not Mitz: a system signs for itself.
        if (typeof header === 'string' && header.startsWith('Bearer ') && header.split('.').length !== 3)
          throw new MitzAuthError(401, 'send Authorization: Bearer with a client assertion');
        let caller;
        try {
          caller = await mitzCallers.authenticate(req);
        } catch (err) {
          if (err instanceof DeziError && err.status < 500) throw new MitzAuthError(err.status, err.message);
          throw err;
        }
        if (caller.kind !== 'abonnee')
          throw new MitzAuthError(403, "the operator's client does not act for a care provider");
        return { clientId: caller.clientId, abonneeNummer: caller.abonneeNummer };
      },
    },
  });
  // In this order: the means register themselves in the order the choice page lists them.
  const allModules: DeziModule<DeziContext>[] = [
    homeModule,
    verklaringModule,
    walletModule({ issuer: config.issuer, wallet, issuance }),
    userinfoModule({
      schemaUri: `${(config.koppelvlak ?? DEFAULT_KOPPELVLAK).schemaBase}/userinfo.json`,
      loginForGrant: (grantId) => loginForGrant(db, verklaringen, grantId),
    }),
    {
      name: 'broker',
      setup: async () => ({
        routes: async (scope) => {
          await scope.register(brokerRoutes, {
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
        },
        purge: () => purgeBroker(db),
      }),
    },
    { name: 'portal', setup: async () => ({ routes: portal.routes, purge: () => portal.purgeExpired() }) },
    {
      name: 'api',
      setup: async () => ({
        routes: async (scope) => {
          await scope.register(apiRoutes, { issuer: config.issuer, db, provider, register });
        },
      }),
    },
    digidModule({ config: config.digid, standIn: proeftuin?.standIns.digid }),
    yiviModule({ config: config.yivi, standIn: proeftuin?.standIns.yivi }),
    walletMeansModule({ wallet, standInWalletUrl: proeftuin?.standIns.walletUrl }),
    oidcMeansModule({ config: config.oidcMeans, standIns: proeftuin?.standIns.oidcMeans }),
    // Foreign eIDs after the Dutch means: most care workers have one of those.
    eidasModule({ config: config.eidas, standIn: proeftuin?.standIns.eidas }),
    ...(proeftuin ? [proeftuin.module] : []),
    uziPasModule({ config: config.uziPas, test: proeftuin?.standIns.uziPas }),
    providerModule({ live, https }),
    mitz,
  ];
  // `dezi start --only mitz`: Mitz with what it needs (the DigiD means; in the proeftuin its stand-ins).
  const ONLY: Record<string, string[]> = { mitz: ['home', 'mitz', 'digid', 'proeftuin'] };
  const modules = config.only ? allModules.filter((m) => ONLY[config.only!]!.includes(m.name)) : allModules;
  const parts: (ModuleParts & { name: string })[] = [];
  for (const m of modules) parts.push({ name: m.name, ...(await m.setup(ctx)) });

  // Before any route: these apply to every route, the modules' included.
  await securityHeaders(app, { https });
  await app.register(formbody, { bodyLimit: 16 * 1024 });
  let draining = false;
  await healthRoutes(app, { db, keys: keyRing, draining: () => draining });
  await metricsRoutes(app, { db, token: ops.metricsToken, open: inProeftuin });
  await rateLimitHook(app, { limiter, limits: ops.rateLimits, web });
  errorHandlers(app, { web });
  for (const p of parts) {
    if (p.routes) await app.register(p.routes);
    if (p.onReady) app.addHook('onReady', p.onReady);
    if (p.onClose) app.addHook('onClose', p.onClose);
  }

  // One purge for all: each module deletes its own expired rows.
  const purges = [
    ...parts.flatMap((p) => (p.purge ? [{ name: p.name, purge: p.purge }] : [])),
    { name: 'rate-limits', purge: () => limiter.purge() },
    { name: 'single-use', purge: () => SingleUseStore.purge(db) },
  ];
  const purge = setInterval(() => {
    for (const p of purges) {
      p.purge().catch((err: unknown) =>
        app.log.warn({ err: { message: (err as Error).message }, module: p.name }, 'purge failed'),
      );
    }
  }, 60_000);
  purge.unref();
  const keyPoll = setInterval(() => {
    keyRing
      .refresh()
      .catch((err) => app.log.warn({ err: { message: (err as Error).message } }, 'key refresh failed'));
    eseal
      .refresh()
      .catch((err) => app.log.warn({ err: { message: (err as Error).message } }, 'eSeal refresh failed'));
    means
      .refreshSwitches()
      .catch((err) =>
        app.log.warn({ err: { message: (err as Error).message } }, 'means switches refresh failed'),
      );
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
    verklaringen,
    fees,
    wallet,
    issuance,
    testEseal,
    secrets,
    config,
    banner: parts.flatMap((p) => p.banner ?? []),
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
