// Puts the UZI-pas means together from its configuration: trust store, revocation lists, validator,
// the certificate endpoint on its own listener or behind the proxy, and the means for the broker;
// and the UZI-pas as a Dezi module.
import { readFileSync } from 'node:fs';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.ts';
import type { DeziModule } from '../../module.ts';
import type { Secrets } from '../../secrets.ts';
import type { Web } from '../../web/web.ts';
import type { LoginMeans } from '../means.ts';
import type { MeansRegistry } from '../registry.ts';
import type { UziPasConfig } from './config.ts';
import { proxyCertificateSource, tlsCertificateSource } from './certificate-source.ts';
import { UziCrlStore, type CrlSource } from './crl.ts';
import { createCertificateListener, type CertificateListener } from './listener.ts';
import { UziPasLogins } from './logins.ts';
import { certificateEndpoint } from './routes.ts';
import { UziTrustStore } from './trust.ts';
import { createUziPasMeans } from './uzi-pas.ts';
import { UziCertificateValidator } from './validate.ts';

export interface UziPasSetupOptions {
  config: UziPasConfig;
  db: Database;
  secrets: Secrets;
  web: Web;
  logger: FastifyBaseLogger;
  test?: UziPasTestPki;
}

/** A TEST PKI a test environment (the proeftuin) hands in, used where the configuration names no files. */
export interface UziPasTestPki {
  caPems: string[];
  /** The certificate listener's TLS certificate. */
  server: { certPem: string; keyPem: string };
  crlSources: CrlSource[];
}

export interface UziPas {
  means: LoginMeans;
  /** The proxied certificate endpoint, for the main app (proxy mode only). */
  proxyRoutes: ((app: FastifyInstance) => Promise<void>) | null;
  listener: CertificateListener | null;
}

export async function setupUziPas(o: UziPasSetupOptions): Promise<UziPas> {
  const { config } = o;
  const caPems = config.caFiles.length ? config.caFiles.map((f) => readFileSync(f, 'utf8')) : o.test?.caPems;
  if (!caPems) throw new Error('UZI-pas: no UZI CA certificates configured');
  const trust = new UziTrustStore(caPems);
  const crlSources = config.crlSources.length ? config.crlSources : (o.test?.crlSources ?? []);
  if (crlSources.length === 0) throw new Error('UZI-pas: no revocation lists configured');
  const crls = new UziCrlStore(
    { sources: crlSources, refreshSeconds: config.crlRefreshSeconds, graceSeconds: config.crlGraceSeconds },
    trust,
  );
  const validator = new UziCertificateValidator(trust, crls);
  const logins = new UziPasLogins(o.db, o.secrets);
  const means = createUziPasMeans({ logins, certificateUrl: config.certificateUrl, crls });

  let listener: CertificateListener | null = null;
  if (config.listener) {
    const tls = config.listener.tls
      ? {
          certPem: readFileSync(config.listener.tls.certFile, 'utf8'),
          keyPem: readFileSync(config.listener.tls.keyFile, 'utf8'),
        }
      : o.test?.server;
    if (!tls) throw new Error('UZI-pas: the certificate listener has no TLS certificate');
    const source = tlsCertificateSource();
    listener = await createCertificateListener({
      host: config.listener.host,
      port: config.listener.port,
      tls,
      caPems: trust.certificates.map((c) => c.toString()),
      logger: o.logger,
      web: o.web,
      routes: async (app) => certificateEndpoint(app, { db: o.db, logins, validator, source, web: o.web }),
    });
  }
  const proxy = config.proxy;
  const proxyRoutes = proxy
    ? async (app: FastifyInstance) =>
        certificateEndpoint(app, {
          db: o.db,
          logins,
          validator,
          source: proxyCertificateSource(proxy),
          web: o.web,
        })
    : null;
  return { means, proxyRoutes, listener };
}

export interface UziPasContext {
  db: Database;
  secrets: Secrets;
  web: Web;
  log: FastifyBaseLogger;
  means: MeansRegistry;
}

/** The UZI-pas as a module: the means, the proxied endpoint or the listener that starts and stops with Dezi. */
export function uziPasModule(o: {
  config: UziPasConfig | undefined;
  test?: UziPasTestPki;
}): DeziModule<UziPasContext> {
  return {
    name: 'uzi-pas',
    async setup(ctx) {
      if (!o.config) return {};
      const uziPas = await setupUziPas({
        config: o.config,
        db: ctx.db,
        secrets: ctx.secrets,
        web: ctx.web,
        logger: ctx.log,
        test: o.test,
      });
      ctx.means.register(uziPas.means);
      const { listener } = uziPas;
      return {
        routes: uziPas.proxyRoutes ?? undefined,
        onReady: listener ? () => listener.start() : undefined,
        onClose: listener ? () => listener.close() : undefined,
      };
    },
  };
}
