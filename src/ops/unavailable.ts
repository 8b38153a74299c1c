// The answer while the database is unreachable: 503 with Retry-After; a readable page for people, an
// OAuth-style JSON error for programs. Nothing was issued: every code, token and verklaring is stored
// before it is handed out, so a failed store means nothing left the server.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Web } from '../web/web.ts';
import { metrics } from './metrics.ts';

export const RETRY_AFTER_SECONDS = 5;

export function sendUnavailable(web: Web, req: FastifyRequest, reply: FastifyReply) {
  metrics.unavailable();
  req.log.warn({ path: req.url.split('?')[0] }, 'database unavailable');
  reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  if (!(req.headers.accept ?? '').includes('text/html')) {
    return reply.code(503).send({
      error: 'temporarily_unavailable',
      error_description: 'the service is temporarily unavailable, try again in a few seconds',
    });
  }
  return web.renderProblem(req, reply, {
    status: 503,
    titleKey: 'error.unavailable.title',
    bodyKey: 'error.unavailable.body',
  });
}
