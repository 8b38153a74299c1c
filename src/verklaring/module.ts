// The verklaring's services, opened once for the composition root (the eSeal that signs, the
// verklaring service, the revocation list), and its public face as a module: the eSeal's keys, the
// JSON schemas, the verklaring status and the signed revocation list, rebuilt on a schedule from the
// moment Dezi is ready.
import type { FastifyBaseLogger } from 'fastify';
import { ConfigError, DEFAULT_KOPPELVLAK, type DeziConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { DeziModule } from '../module.ts';
import { EsealRing, fileEsealSource, type EsealSource } from './eseal.ts';
import { RevocationListCache } from './revocation-list.ts';
import { verklaringRoutes } from './routes.ts';
import { VERKLARING_LIFETIME_SECONDS, VerklaringService } from './verklaring.ts';

/** A TEST eSeal a test environment (the proeftuin) provides: its CA (what a relying party pins), rotation. */
export interface TestEseal {
  caPem: string;
  source: EsealSource;
  rotate(): Promise<void>;
}

export interface Verklaring {
  eseal: EsealRing;
  verklaringen: VerklaringService;
  revocationList: RevocationListCache;
  /** The TEST eSeal, when that is what signs. */
  testEseal: TestEseal | null;
}

export async function openVerklaring(o: {
  config: DeziConfig;
  db: Database;
  log: FastifyBaseLogger;
  /** The TEST eSeal kept in dir (null: in memory); without it, only eSeal files are accepted. */
  testEseal?: (dir: string | null) => Promise<TestEseal>;
}): Promise<Verklaring> {
  const { config, db, log } = o;
  const koppelvlak = config.koppelvlak ?? DEFAULT_KOPPELVLAK;
  let testEseal: TestEseal | null = null;
  let esealSource: EsealSource;
  const esealConfig =
    config.eseal === undefined && o.testEseal ? { kind: 'test' as const, dir: null } : config.eseal;
  if (esealConfig?.kind === 'files') {
    esealSource = fileEsealSource(esealConfig.keyFile, esealConfig.certFile);
  } else if (esealConfig?.kind === 'test' && o.testEseal) {
    testEseal = await o.testEseal(esealConfig.dir);
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
    (err) => log.warn({ err: { message: (err as Error).message } }, 'revocation list not rebuilt'),
  );
  eseal.onChange((key) => {
    log.info({ kid: key.kid }, 'eSeal changed');
    void revocationList.rebuild();
  });
  return { eseal, verklaringen, revocationList, testEseal };
}

export interface VerklaringContext {
  verklaringen: VerklaringService;
  revocationList: RevocationListCache;
  eseal: EsealRing;
}

export const verklaringModule: DeziModule<VerklaringContext> = {
  name: 'verklaring',
  async setup({ verklaringen, revocationList, eseal }) {
    return {
      routes: async (app) => {
        await app.register(verklaringRoutes, {
          verklaringen,
          revocationList,
          esealJwks: () => eseal.jwksJson,
        });
      },
      onReady: () => revocationList.start(),
      onClose: async () => revocationList.stop(),
    };
  },
};
