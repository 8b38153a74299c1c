// The wallet issuer as a module: its key (files in production, the proeftuin's TEST certificate under
// its TEST CA otherwise), the credentials it issues, and its public face: the status lists that revoke
// them and the credential type's metadata.
import type { FastifyInstance } from 'fastify';
import { importJWK, SignJWT } from 'jose';
import { readFileSync } from 'node:fs';
import type { X509Certificate } from 'node:crypto';
import { ConfigError, type DeziConfig } from '../config.ts';
import { parsePemChain } from '../pki/certificates.ts';
import type { Database } from '../db/database.ts';
import { isUuid } from '../ids.ts';
import type { DeziModule } from '../module.ts';
import { problem } from '../verklaring/routes.ts';
import type { IssuerKey } from './credential.ts';
import { STATUS_LIST_PATH, WalletCredentials, statusListUri } from './credentials.ts';
import { issuerKeyFrom } from './issuer-key.ts';
import { issuanceRoutes, type WalletIssuance } from './issuance.ts';
import { STATUS_LIST_TTL_SECONDS, StatusLists, type StatusListSigner } from './status-list.ts';
import { TYPE_METADATA_PATH, typeMetadata } from './type-metadata.ts';

/** The issuer's key material for a host, from a test environment (the proeftuin's TEST CA). */
export type TestWalletIssuer = (host: string) => Promise<{ keyPem: string; chainPem: string }>;

export interface Wallet {
  credentials: WalletCredentials;
  /** The wallet providers whose attestations are accepted (trust anchors). */
  providers: X509Certificate[];
  /** The issuers of the wallet's PID whose BSN logs in (trust anchors); none: no PID login. */
  pidIssuers: X509Certificate[];
  key: IssuerKey;
  vct: string;
  sign: StatusListSigner;
}

/** The wallet issuer, or null when none is configured (production without its key files). */
export async function openWallet(o: {
  config: DeziConfig;
  db: Database;
  testIssuer?: TestWalletIssuer;
  /** The test wallet providers' certificates (PEM) a test environment trusts by default. */
  testProviders?: string[];
  /** The TEST PID issuer's certificate (PEM) a test environment trusts by default. */
  testPidIssuers?: string[];
}): Promise<Wallet | null> {
  const { config, db } = o;
  // Absent: the TEST certificate where a test environment provides one (as the eSeal's default).
  const settings =
    config.wallet === undefined ? (o.testIssuer ? { key: { kind: 'test' as const } } : null) : config.wallet;
  if (!settings) return null;
  let material: { keyPem: string; chainPem: string };
  if (settings.key.kind === 'files') {
    material = {
      keyPem: readFileSync(settings.key.keyFile, 'utf8'),
      chainPem: readFileSync(settings.key.certFile, 'utf8'),
    };
  } else if (o.testIssuer) {
    material = await o.testIssuer(new URL(config.issuer).hostname);
  } else {
    return null; // a TEST key asked for where no test environment provides one
  }
  const key = issuerKeyFrom(material, config.issuer);
  const vct = settings.vct ?? `${config.issuer}${TYPE_METADATA_PATH}`;
  const signingKey = await importJWK(key.privateJwk, 'ES256');
  const sign: StatusListSigner = (payload, header) =>
    new SignJWT(payload).setProtectedHeader({ ...header, alg: 'ES256', x5c: key.x5c }).sign(signingKey);
  const credentials = new WalletCredentials(
    db,
    new StatusLists(db),
    { iss: config.issuer, vct, statusBase: config.issuer },
    () => key,
  );
  const anchors = (file: string | undefined, test: string[] | undefined, what: string) => {
    try {
      return (file ? [readFileSync(file, 'utf8')] : (test ?? [])).flatMap((pem) => parsePemChain(pem, what));
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  };
  const providers = anchors(settings.providersFile, o.testProviders, 'the wallet providers file');
  const pidIssuers = anchors(settings.pidIssuersFile, o.testPidIssuers, 'the PID issuers file');
  return { credentials, providers, pidIssuers, key, vct, sign };
}

async function walletRoutes(app: FastifyInstance, o: { issuer: string; wallet: Wallet }): Promise<void> {
  const { issuer, wallet } = o;
  app.get(`${STATUS_LIST_PATH}/:id`, async (req, reply) => {
    const { id } = req.params as { id: string };
    const listId = id.toLowerCase();
    const token = isUuid(id)
      ? await wallet.credentials.lists.token(listId, {
          uri: statusListUri(issuer, listId),
          iss: issuer,
          sign: wallet.sign,
        })
      : null;
    if (!token) return problem(req, reply, 404, 'Not Found', 'no status list with this id');
    return reply
      .header('cache-control', `public, max-age=${STATUS_LIST_TTL_SECONDS}`)
      .type('application/statuslist+jwt')
      .send(token);
  });

  // Served here when the type is this Dezi's own; a vct elsewhere is served by whoever holds that URL.
  if (wallet.vct === `${issuer}${TYPE_METADATA_PATH}`) {
    const body = JSON.stringify(typeMetadata(wallet.vct));
    app.get(TYPE_METADATA_PATH, async (_req, reply) =>
      reply.header('cache-control', 'public, max-age=3600').type('application/json').send(body),
    );
  }
}

export function walletModule(o: {
  issuer: string;
  wallet: Wallet | null;
  issuance: WalletIssuance | null;
}): DeziModule<unknown> {
  return {
    name: 'wallet',
    async setup() {
      const { wallet } = o;
      if (!wallet) return {};
      return {
        routes: async (app) => {
          await app.register(walletRoutes, { issuer: o.issuer, wallet });
          if (o.issuance) await app.register(issuanceRoutes, { issuance: o.issuance });
        },
        banner: [
          `  wallet:      ${o.issuer}${TYPE_METADATA_PATH}   (the credential type; status lists under ${STATUS_LIST_PATH})`,
        ],
      };
    },
  };
}
