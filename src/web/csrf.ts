// One CSRF and Origin check for a scope of form routes: every POST in the scope must come from our own
// origin (when the browser says which) and carry the token of the state it acts on. Registered as a
// preHandler on a plugin's scope, so no route of that scope can forget it.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Web } from './web.ts';

/** A post is accepted only from our own origin (when the browser names it), with the token of its state. */
export function validFormPost(
  web: Web,
  issuer: string,
  req: FastifyRequest,
  binding: string | null,
): boolean {
  const token = ((req.body ?? {}) as Record<string, unknown>).csrf;
  return binding !== null && web.sameOrigin(req, issuer) && web.verifyCsrf(binding, token);
}

/** The answer to a refused form post: a readable page, nothing done. */
export function refuseFormPost(web: Web, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  req.log.info({ origin: req.headers.origin ?? null }, 'form post refused: CSRF token or Origin');
  return web.renderProblem(req, reply, {
    status: 403,
    titleKey: 'error.bad_request.title',
    bodyKey: 'error.bad_request.body',
  });
}

export function csrfGuard(
  web: Web,
  issuer: string,
  /** The state the form acts on (an interaction, a session, a stand-in's request); null: none. */
  binding: (req: FastifyRequest) => string | null,
): preHandlerAsyncHookHandler {
  return async function csrf(req: FastifyRequest, reply: FastifyReply) {
    if (req.method !== 'POST') return;
    if (validFormPost(web, issuer, req, binding(req))) return;
    return refuseFormPost(web, req, reply);
  };
}
