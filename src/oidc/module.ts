// oidc-provider in Dezi: one live Provider, rebuilt when the signing keys change; mounted into Fastify
// (its own paths, paths.ts, go to it untouched, with Dezi's security headers); the purge of its
// expired rows; and the userinfo endpoint that hands out the verklaring.
import type { FastifyBaseLogger } from 'fastify';
import type Provider from 'oidc-provider';
import { recordAudit } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import type { DeziModule } from '../module.ts';
import type { Secrets } from '../secrets.ts';
import { setSecurityHeaders } from '../web/security-headers.ts';
import { purgeExpired } from './adapter.ts';
import type { KeyRing, KeySet } from './keys.ts';
import { LiveProvider } from './live-provider.ts';
import { PROVIDER_PATHS, ROUTES } from './paths.ts';
import { userinfoRoutes, type UserinfoDeps } from './userinfo.ts';

/** The Provider built from the current keys, and again from new keys after every rotation. */
export function liveProvider(o: {
  build: (keys: KeySet) => Provider;
  keyRing: KeyRing;
  log: FastifyBaseLogger;
  /** What a 503 (the database unreachable) asks the client to wait, as Dezi's own 503s do. */
  retryAfterSeconds: number;
}): LiveProvider {
  // Every Provider built gets the same listeners.
  const live = new LiveProvider(o.build(o.keyRing.keys), (p) => {
    p.on('server_error', (_ctx, err) => {
      o.log.error(
        { err: { type: err.name, message: err.message, stack: err.stack } },
        'oidc-provider server_error',
      );
    });
    p.use(async (ctx, next) => {
      await next();
      if (ctx.status === 503) ctx.set('retry-after', String(o.retryAfterSeconds));
    });
  });
  o.keyRing.onChange((keys) => {
    live.swap(o.build(keys));
    o.log.info({ kid: keys.current.kid }, 'signing keys changed; provider rebuilt');
  });
  return live;
}

export interface UserinfoContext {
  issuer: string;
  db: Database;
  secrets: Secrets;
  keyRing: KeyRing;
  provider: Provider;
}

/** The userinfo endpoint; every verklaring it delivers is in the audit trail. */
export function userinfoModule(o: {
  schemaUri: string;
  loginForGrant: UserinfoDeps['loginForGrant'];
}): DeziModule<UserinfoContext> {
  return {
    name: 'userinfo',
    async setup(ctx) {
      return {
        routes: async (app) => {
          await app.register(userinfoRoutes, {
            issuer: ctx.issuer,
            schemaUri: o.schemaUri,
            provider: ctx.provider,
            secrets: ctx.secrets,
            signingKey: (alg) => ctx.keyRing.keys.currentByAlg[alg],
            loginForGrant: o.loginForGrant,
            onDelivered: (e) =>
              recordAudit(ctx.db, {
                actor: 'system',
                action: 'verklaring.deliver',
                outcome: 'success',
                clientId: e.clientId,
                detail: { verklaring_id: e.verklaringId },
              }),
          });
        },
      };
    },
  };
}

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
