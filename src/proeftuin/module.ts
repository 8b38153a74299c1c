// The proeftuin as one module. Nothing imports it but the composition root, which loads it in
// proeftuin mode only; it brings everything the proeftuin adds to Dezi: the stand-ins for the national
// services and market means (handed to the means modules as their upstreams where the configuration
// names none), the TEST eSeal, the TEST UZI PKI, the seed data, the test means, its pages, and the
// lines of the start banner.
import { X509Certificate } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DeziConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { SamlStandIn } from '../means/saml/setup.ts';
import type { OidcMeansConfig } from '../means/oidc/config.ts';
import type { MeansRegistry } from '../means/registry.ts';
import type { UziPasTestPki } from '../means/uzi-pas/setup.ts';
import type { YiviStandIn } from '../means/yivi/module.ts';
import type { DeziModule } from '../module.ts';
import type { Register } from '../register/register.ts';
import type { Secrets } from '../secrets.ts';
import type { Web } from '../web/web.ts';
import { DIGID_IDP_METADATA_PATH, digidIdpRoutes, purgeDigidIdp } from './digid-idp.ts';
import { EIDAS_NODE_METADATA_PATH, eidasNodeRoutes } from './eidas-node.ts';
import type { StandInDeps } from './saml-idp.ts';
import { linkEidasTestIdentities } from './eidas-identities.ts';
import { loadTestEseal, type TestEseal } from './eseal-pki.ts';
import { testPidIssuer } from './test-pid-issuer.ts';
import { testWalletProvider } from './test-wallet-provider.ts';
import { purgeTestWallet, TEST_WALLET_PATH, testWalletRoutes } from './test-wallet.ts';
import { createOidcMeansStandIn, linkStandInAccounts } from './oidc-means-op.ts';
import { ESEAL_CA_PATH, proeftuinPages } from './pages.ts';
import { seedProeftuin } from './seed.ts';
import { MITZ_TEST_CITIZENS } from './mitz-seed.ts';
import type { MitzSeedCitizen } from '../mitz/module.ts';
import { createTestMeans } from './test-means-adapter.ts';
import { TEST_MEANS_ID, TEST_MEANS_PATH, testMeansRoutes, testMeansToken } from './test-means.ts';
import { proeftuinCrlSources, UZI_PROEFTUIN_PATH, uziProeftuinRoutes } from './uzi-pages.ts';
import { loadTestUziPki } from './uzi-pki.ts';
import { createYiviStandIn, standInAppUrl, standInYiviConfig } from './yivi-server.ts';

export { loadTestEseal };

export interface ProeftuinContext {
  db: Database;
  register: Register;
  means: MeansRegistry;
}

export interface Proeftuin {
  /** The TEST eSeal, kept in dir (null: in memory): what signs when no eSeal files are configured. */
  testEseal(dir: string | null): Promise<TestEseal>;
  /** The wallet issuer's TEST key and certificate for this host, under the TEST eSeal's CA. */
  testWalletIssuer(host: string): Promise<{ keyPem: string; chainPem: string }>;
  /** The test wallet provider's certificate: trusted for wallet attestations when none are configured. */
  testWalletProviders: string[];
  /** The TEST PID issuer's certificate: trusted for the wallet's PID when no PID issuers are configured. */
  testPidIssuers: string[];
  /** The upstreams handed to the means modules, used where the configuration names none. */
  standIns: {
    digid: SamlStandIn;
    eidas: SamlStandIn;
    yivi: YiviStandIn;
    oidcMeans: OidcMeansConfig[];
    /** Only with the UZI-pas configured. */
    uziPas?: UziPasTestPki;
    /** Where the TEST wallet opens an OpenID4VP request (the wallet means' page links it). */
    walletUrl: (request: string) => string;
  };
  /** Seed data, the test means, the stand-ins' and the proeftuin's pages, the banner. */
  module: DeziModule<ProeftuinContext>;
  /** Mitz's test citizens with their choices. */
  mitzSeed: MitzSeedCitizen[];
}

/** Makes the stand-ins (their keys are made at every start) and the TEST UZI PKI. */
export async function openProeftuin(o: {
  config: DeziConfig;
  db: Database;
  secrets: Secrets;
  web: Web;
}): Promise<Proeftuin> {
  const { config, db, secrets, web } = o;
  const { issuer } = config;
  const uziPki = config.uziPas
    ? await loadTestUziPki(config.uziPas.testPkiDir, [
        ...new Set([new URL(config.uziPas.certificateUrl).hostname, 'localhost', '127.0.0.1']),
      ])
    : null;
  const yivi = await createYiviStandIn({ issuer, secrets, web });
  const oidc = await createOidcMeansStandIn({ issuer, secrets, web });
  let testEseal: TestEseal | null = null;
  const walletProvider = await testWalletProvider();

  const module: DeziModule<ProeftuinContext> = {
    name: 'proeftuin',
    async setup(ctx) {
      await seedProeftuin(ctx.register);
      await linkStandInAccounts(ctx.register);
      await linkEidasTestIdentities(ctx.register);
      ctx.means.register(
        createTestMeans({ baseUrl: `${issuer}${TEST_MEANS_PATH}`, token: testMeansToken(secrets) }),
      );
      return {
        routes: async (app) => {
          await app.register(yivi.routes);
          await app.register(oidc.routes);
          await app.register(proeftuinPages, {
            issuer,
            web,
            esealCaPem: testEseal?.caPem ?? null,
            registrationToken: config.registrationToken,
          });
          if (uziPki) await app.register(uziProeftuinRoutes, { web, pki: uziPki });
          await app.register(testWalletRoutes, {
            issuer,
            db: ctx.db,
            web,
            // The CA the wallet issuer's (and so the verifier's) TEST certificate is under.
            trustedVerifiers: async () => [
              new X509Certificate((testEseal ?? (await loadTestEseal(null))).caPem),
            ],
          });
          await app.register(testMeansRoutes, {
            issuer,
            secrets,
            web,
            switchToken: config.registrationToken!,
            onSwitch: () => ctx.means.forgetHealth(TEST_MEANS_ID),
          });
        },
        purge: async () => {
          await purgeDigidIdp(ctx.db);
          await purgeTestWallet(ctx.db);
        },
        banner: [
          `  proeftuin:   ${issuer}/proeftuin   (test persons, how to connect)`,
          `  registration: ${issuer}/register   initial access token: ${config.registrationToken}`,
          `  example app: npm run example   (then open http://localhost:3001; a public client: npm run example -- --public)`,
          ...(testEseal ? [`  TEST eSeal CA (to pin): ${issuer}${ESEAL_CA_PATH}`] : []),
          `  test wallet: ${issuer}${TEST_WALLET_PATH}   (receive a verklaring offered in Mijn Dezi, log in with it)`,
          ...(config.uziPas
            ? [`  UZI-pas:     ${issuer}${UZI_PROEFTUIN_PATH}   (TEST UZI cards to import)`]
            : []),
        ],
      };
    },
  };

  /** A SAML stand-in handed to its means module: its metadata, its name, its routes for the SP. */
  const samlStandIn = (
    metadataPath: string,
    nl: string,
    en: string,
    routes: (app: FastifyInstance, d: StandInDeps) => Promise<void>,
  ): SamlStandIn => ({
    idpMetadataUrl: `${issuer}${metadataPath}`,
    displayName: { nl, en },
    routes: (sp) => async (app) => {
      await app.register(routes, {
        issuer,
        db,
        secrets,
        web,
        sp: { entityId: sp.entityId, acsUrl: sp.acsUrl, certificate: sp.key.certificate },
      });
    },
  });

  return {
    async testEseal(dir) {
      testEseal = await loadTestEseal(dir);
      return testEseal;
    },
    testWalletProviders: [walletProvider.certPem],
    testPidIssuers: [(await testPidIssuer()).certPem],
    // Under the CA the TEST eSeal is kept with; with eSeal files configured, under the in-memory one.
    async testWalletIssuer(host) {
      return (testEseal ?? (await loadTestEseal(null))).walletIssuer(host);
    },
    standIns: {
      digid: samlStandIn(DIGID_IDP_METADATA_PATH, 'DigiD (proeftuin)', 'DigiD (proeftuin)', digidIdpRoutes),
      eidas: samlStandIn(
        EIDAS_NODE_METADATA_PATH,
        'Europese eID (proeftuin)',
        'European eID (proeftuin)',
        eidasNodeRoutes,
      ),
      yivi: { config: standInYiviConfig(issuer, yivi), appUrl: (ptr) => standInAppUrl(issuer, ptr) },
      oidcMeans: oidc.means,
      walletUrl: (request) => `${TEST_WALLET_PATH}?${new URLSearchParams({ verzoek: request })}`,
      uziPas: uziPki
        ? { caPems: uziPki.caPems, server: uziPki.server, crlSources: proeftuinCrlSources(issuer, uziPki) }
        : undefined,
    },
    module,
    mitzSeed: MITZ_TEST_CITIZENS,
  };
}
