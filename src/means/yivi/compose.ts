// Wires the Yivi means into Dezi: the configured Yivi server, or in the proeftuin the stand-in.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.ts';
import {
  createYiviStandIn,
  standInAppUrl,
  YIVI_SERVER_PATH,
  YIVI_STAND_IN_JWT_ISSUER,
} from '../../proeftuin/yivi-server.ts';
import type { Secrets } from '../../secrets.ts';
import type { Web } from '../../web/web.ts';
import { LOA } from '../loa.ts';
import type { MeansRegistry } from '../registry.ts';
import type { YiviConfig } from './config.ts';
import { yiviRoutes } from './routes.ts';
import { YiviSessionStore } from './sessions.ts';
import { createYiviMeans } from './yivi.ts';

export async function setupYivi(d: {
  issuer: string;
  configured: YiviConfig | null | undefined;
  proeftuin: boolean;
  db: Database;
  secrets: Secrets;
  web: Web;
  means: MeansRegistry;
}): Promise<(app: FastifyInstance) => Promise<void>> {
  const standIn = d.proeftuin
    ? await createYiviStandIn({ issuer: d.issuer, secrets: d.secrets, web: d.web })
    : null;
  const config: YiviConfig | null =
    d.configured ??
    (standIn && {
      serverUrl: `${d.issuer}${YIVI_SERVER_PATH}`,
      requestorToken: standIn.requestorToken,
      serverPublicKeyPem: standIn.publicKeyPem,
      jwtIssuer: YIVI_STAND_IN_JWT_ISSUER,
      attributes: [
        { id: 'pbdf.gemeente.personalData.bsn', subject: 'bsn', loa: LOA.substantial },
        { id: 'irma-demo.dezi.zorgidentiteit.deziNummer', subject: 'uzi-nummer', loa: LOA.high },
      ],
      category: 'wdo',
      timeoutMs: 5000,
      sessionTtlSeconds: 300,
    });
  const yivi = config
    ? await createYiviMeans(config, {
        issuer: d.issuer,
        sessions: new YiviSessionStore(d.db, d.secrets, config.sessionTtlSeconds),
      })
    : null;
  if (yivi) d.means.register(yivi);
  return async (app) => {
    if (yivi) {
      await app.register(yiviRoutes, {
        web: d.web,
        means: yivi,
        standInAppUrl: standIn ? (ptr) => standInAppUrl(d.issuer, ptr) : undefined,
      });
    }
    if (standIn) await app.register(standIn.routes);
  };
}
