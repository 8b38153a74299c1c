// The fixed redirect URI of every OpenID Connect means: opens the sealed state and hands the
// supplier's answer, unchanged, to the broker's callback for that login. The adapter checks it there.
import type { FastifyInstance } from 'fastify';
import type { Secrets } from '../../secrets.ts';
import type { Web } from '../../web/web.ts';
import { OIDC_MEANS_PATH, openState } from './oidc-means.ts';

export async function oidcMeansRoutes(
  app: FastifyInstance,
  d: { issuer: string; secrets: Secrets; web: Web; meansIds: string[] },
): Promise<void> {
  const known = new Set(d.meansIds);
  app.get(`${OIDC_MEANS_PATH}/:id/callback`, async (req, reply) => {
    const { id } = req.params as { id: string };
    const query = req.query as Record<string, unknown>;
    const sealed = known.has(id) ? openState(d.secrets, id, query.state) : null;
    // Only the broker's own callbacks were sealed; checked again so that nothing else is reachable.
    if (!sealed || !sealed.c.startsWith(`${d.issuer}/interaction/`) || /[?#]/.test(sealed.c)) {
      return d.web.renderProblem(req, reply, {
        status: 400,
        titleKey: 'oidcmeans.callback.title',
        bodyKey: 'oidcmeans.callback.body',
      });
    }
    const back = new URL(sealed.c);
    for (const [name, value] of Object.entries(query)) {
      if (typeof value === 'string') back.searchParams.set(name, value);
    }
    return reply.redirect(back.href, 303);
  });
}
