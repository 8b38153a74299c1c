// The app's error and not-found handlers: an unreachable database is a 503 to retry, a rate limit a
// 429, a client's mistake a 4xx that says what, anything else a 500 that says nothing; as a page for a
// browser, as an OAuth-style JSON error otherwise. What an error says is decided in one place,
// describeError (src/errors.ts), which the REST API's problem+json handler shares.
import type { FastifyError, FastifyInstance } from 'fastify';
import { isUnavailable } from '../db/database.ts';
import { describeError } from '../errors.ts';
import type { Web } from '../web/web.ts';
import { RateLimitedError, sendRateLimited } from './rate-limit.ts';
import { sendUnavailable } from './unavailable.ts';

export function errorHandlers(app: FastifyInstance, o: { web: Web }): void {
  const { web } = o;
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isUnavailable(err)) return sendUnavailable(web, req, reply);
    if (err instanceof RateLimitedError) return sendRateLimited(web, req, reply, err);
    const answer = describeError(err);
    if (answer.ours)
      req.log.error({ err: { type: err.name, message: err.message, stack: err.stack } }, 'request failed');
    else req.log.info({ status: answer.status, code: err.code }, 'request rejected');
    if (!(req.headers.accept ?? '').includes('text/html')) {
      return reply.code(answer.status).send({ error: answer.oauthError, error_description: answer.detail });
    }
    return web.renderProblem(req, reply, {
      status: answer.status,
      titleKey: answer.page.title,
      bodyKey: answer.page.body,
    });
  });
  app.setNotFoundHandler((req, reply) => {
    if (!(req.headers.accept ?? '').includes('text/html'))
      return reply.code(404).send({ error: 'not_found' });
    return web.renderProblem(req, reply, {
      status: 404,
      titleKey: 'error.not_found.title',
      bodyKey: 'error.not_found.body',
      nextKey: 'problem.not_found.next',
    });
  });
}
