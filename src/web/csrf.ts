// One CSRF and Origin check for a scope of form routes: every POST in the scope must come from our own
// origin (when the browser says which) and carry the token of the state it acts on. Registered as a
// preHandler on a plugin's scope, so no route of that scope can forget it.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Web } from './web.ts';

export function csrfGuard(
  web: Web,
  issuer: string,
  /** The state the form acts on (an interaction, a session, a stand-in's request); null: none. */
  binding: (req: FastifyRequest) => string | null,
): preHandlerAsyncHookHandler {
  return async function csrf(req: FastifyRequest, reply: FastifyReply) {
    if (req.method !== 'POST') return;
    const bound = binding(req);
    const token = ((req.body ?? {}) as Record<string, unknown>).csrf;
    if (bound !== null && web.sameOrigin(req, issuer) && web.verifyCsrf(bound, token)) return;
    req.log.info({ origin: req.headers.origin ?? null }, 'form post refused: CSRF token or Origin');
    return web.renderProblem(req, reply, {
      status: 403,
      titleKey: 'error.bad_request.title',
      bodyKey: 'error.bad_request.body',
    });
  };
}
