// The OpenID Connect means as a Dezi module: the configured suppliers, after any a test environment
// hands in (the proeftuin's stand-in supplier with its two means).
import type { DeziModule } from '../../module.ts';
import type { Secrets } from '../../secrets.ts';
import type { Web } from '../../web/web.ts';
import type { MeansRegistry } from '../registry.ts';
import type { OidcMeansConfig } from './config.ts';
import { createOidcMeans } from './oidc-means.ts';
import { oidcMeansRoutes } from './routes.ts';

export interface OidcMeansContext {
  issuer: string;
  secrets: Secrets;
  web: Web;
  means: MeansRegistry;
}

export function oidcMeansModule(o: {
  config: OidcMeansConfig[] | undefined;
  /** Means of a test environment's stand-in supplier, offered before the configured ones. */
  standIns?: OidcMeansConfig[];
}): DeziModule<OidcMeansContext> {
  return {
    name: 'oidc-means',
    async setup(ctx) {
      const configs = [...(o.standIns ?? []), ...(o.config ?? [])];
      for (const c of configs)
        ctx.means.register(await createOidcMeans(c, { issuer: ctx.issuer, secrets: ctx.secrets }));
      if (configs.length === 0) return {};
      return {
        routes: async (app) => {
          await app.register(oidcMeansRoutes, {
            issuer: ctx.issuer,
            secrets: ctx.secrets,
            web: ctx.web,
            meansIds: configs.map((c) => c.id),
          });
        },
      };
    },
  };
}
