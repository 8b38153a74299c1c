// Yivi as a Dezi module: the configured Yivi server, or the stand-in a test environment hands in.
import type { Database } from '../../db/database.ts';
import type { DeziModule } from '../../module.ts';
import type { Secrets } from '../../secrets.ts';
import type { Web } from '../../web/web.ts';
import type { MeansRegistry } from '../registry.ts';
import type { YiviConfig } from './config.ts';
import type { SessionPointer } from './irma-server.ts';
import { yiviRoutes } from './routes.ts';
import { YiviSessionStore } from './sessions.ts';
import { createYiviMeans } from './yivi.ts';

/** A Yivi server a test environment (the proeftuin) runs, used where the means file names none. */
export interface YiviStandIn {
  /** How Dezi talks to the stand-in: its URL, token, key, and the attributes its "phone" holds. */
  config: YiviConfig;
  /** Where the stand-in's "phone" opens a session it started; null for another server's session. */
  appUrl(sessionPtr: SessionPointer): string | null;
}

export interface YiviContext {
  issuer: string;
  db: Database;
  secrets: Secrets;
  web: Web;
  means: MeansRegistry;
}

export function yiviModule(o: {
  config: YiviConfig | null | undefined;
  standIn?: YiviStandIn;
}): DeziModule<YiviContext> {
  return {
    name: 'yivi',
    async setup(ctx) {
      const config = o.config ?? o.standIn?.config ?? null;
      if (!config) return {};
      const yivi = await createYiviMeans(config, {
        issuer: ctx.issuer,
        sessions: new YiviSessionStore(ctx.db, ctx.secrets, config.sessionTtlSeconds),
      });
      ctx.means.register(yivi);
      const standIn = o.standIn;
      return {
        routes: async (app) => {
          await app.register(yiviRoutes, {
            web: ctx.web,
            means: yivi,
            standInAppUrl: standIn ? (ptr) => standIn.appUrl(ptr) : undefined,
          });
        },
      };
    },
  };
}
