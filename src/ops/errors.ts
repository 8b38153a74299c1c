// The app's error and not-found handlers: an unreachable database is a 503 to retry, a rate limit a
// 429, a client's mistake a 4xx that says what, anything else a 500 that says nothing; as a page for a
// browser, as an OAuth-style JSON error otherwise.
import type { FastifyError, FastifyInstance } from 'fastify';
import { isUnavailable } from '../db/database.ts';
import type { Web } from '../web/web.ts';
import { RateLimitedError, sendRateLimited } from './rate-limit.ts';
import { sendUnavailable } from './unavailable.ts';

export function errorHandlers(app: FastifyInstance, o: { web: Web }): void {
  const { web } = o;
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isUnavailable(err)) return sendUnavailable(web, req, reply);
    if (err instanceof RateLimitedError) return sendRateLimited(web, req, reply, err);
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500)
      req.log.error({ err: { type: err.name, message: err.message, stack: err.stack } }, 'request failed');
    else req.log.info({ status, code: err.code }, 'request rejected');
    const wantsHtml = (req.headers.accept ?? '').includes('text/html');
    if (!wantsHtml) {
      return reply.code(status).send({
        error: status === 500 ? 'server_error' : 'invalid_request',
        error_description: status === 500 ? 'internal error' : err.message,
      });
    }
    return web.renderProblem(req, reply, {
      status,
      titleKey: status === 500 ? 'error.server.title' : 'error.bad_request.title',
      bodyKey: status === 500 ? 'error.server.body' : 'error.bad_request.body',
    });
  });
  app.setNotFoundHandler((req, reply) => {
    if (!(req.headers.accept ?? '').includes('text/html'))
      return reply.code(404).send({ error: 'not_found' });
    return web.renderProblem(req, reply, {
      status: 404,
      titleKey: 'error.not_found.title',
      bodyKey: 'error.not_found.body',
    });
  });
}
