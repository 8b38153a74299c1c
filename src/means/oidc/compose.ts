// Wires the OpenID Connect means into Dezi: the configured suppliers, and in the proeftuin the
// stand-in supplier with its two means (a zorgidentiteit and a hospital pass).
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { createOidcMeansStandIn, linkStandInAccounts } from '../../proeftuin/oidc-means-op.ts';
import type { Register } from '../../register/register.ts';
import type { Secrets } from '../../secrets.ts';
import type { Web } from '../../web/web.ts';
import type { MeansRegistry } from '../registry.ts';
import type { OidcMeansConfig } from './config.ts';
import { createOidcMeans } from './oidc-means.ts';
import { oidcMeansRoutes } from './routes.ts';

export async function setupOidcMeans(d: {
  issuer: string;
  configured: OidcMeansConfig[] | undefined;
  proeftuin: boolean;
  register: Register;
  secrets: Secrets;
  web: Web;
  means: MeansRegistry;
  securityHeaders: (res: ServerResponse) => void;
}): Promise<(app: FastifyInstance) => Promise<void>> {
  const standIn = d.proeftuin
    ? await createOidcMeansStandIn({
        issuer: d.issuer,
        secrets: d.secrets,
        web: d.web,
        securityHeaders: d.securityHeaders,
      })
    : null;
  if (standIn) await linkStandInAccounts(d.register);
  const configs = [...(standIn?.means ?? []), ...(d.configured ?? [])];
  for (const c of configs)
    d.means.register(await createOidcMeans(c, { issuer: d.issuer, secrets: d.secrets }));
  return async (app) => {
    if (configs.length > 0) {
      await app.register(oidcMeansRoutes, {
        issuer: d.issuer,
        secrets: d.secrets,
        web: d.web,
        meansIds: configs.map((c) => c.id),
      });
    }
    if (standIn) await app.register(standIn.routes);
  };
}
