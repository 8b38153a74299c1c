// oidc-provider mounted into Fastify: its own paths (paths.ts) go to it untouched, with Dezi's
// security headers; and the purge of its expired rows.
import type { Database } from '../db/database.ts';
import type { DeziModule } from '../module.ts';
import { setSecurityHeaders } from '../web/security-headers.ts';
import { purgeExpired } from './adapter.ts';
import type { LiveProvider } from './live-provider.ts';
import { PROVIDER_PATHS, ROUTES } from './paths.ts';

export function providerModule(o: { live: LiveProvider; https: boolean }): DeziModule<{ db: Database }> {
  return {
    name: 'oidc-provider',
    async setup(ctx) {
      return {
        routes: async (app) => {
          // The id_token keys moved to the spec's path; a stored verklaring of before still names /jwks.
          app.get('/jwks', async (_req, reply) => reply.redirect(ROUTES.jwks, 308));
          // oidc-provider answers its own routes; Fastify must leave the request body unread for it.
          await app.register(async (scope) => {
            scope.removeAllContentTypeParsers();
            scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
            for (const path of PROVIDER_PATHS) {
              scope.all(path, (req, reply) => {
                reply.hijack();
                setSecurityHeaders(reply.raw, o.https);
                o.live.serve(req.raw, reply.raw);
              });
            }
          });
        },
        purge: () => purgeExpired(ctx.db),
      };
    },
  };
}
