// Rate limits that hold across instances: fixed-window counters in the database, one atomic upsert
// per counted request, the window taken from the database clock so that every instance agrees.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { ROUTES } from '../oidc/paths.ts';
import type { Web } from '../web/web.ts';
import type { RateLimits } from './config.ts';
import { metrics } from './metrics.ts';
import { DeziError } from '../errors.ts';

/** Refused by a limit. Shaped as oidc-provider's exposed errors so that its endpoints answer 429. */
export class RateLimitedError extends DeziError {
  override name = 'RateLimitedError';
  readonly statusCode = 429;
  readonly error = 'temporarily_unavailable';
  readonly error_description: string;
  readonly retryAfter: number;
  readonly rule: string;
  constructor(rule: string, retryAfter: number) {
    super('temporarily_unavailable', { status: 429, expose: true, oauthError: 'temporarily_unavailable' });
    this.rule = rule;
    this.retryAfter = retryAfter;
    this.error_description = `too many requests; retry after ${retryAfter} seconds`;
  }
}

export class RateLimiter {
  readonly #db: Database;
  readonly #windowSeconds: number;

  constructor(db: Database, windowSeconds: number) {
    this.#db = db;
    this.#windowSeconds = windowSeconds;
  }

  /** Counts one request in `bucket`; throws RateLimitedError when it is over `limit` (0: no limit). */
  async hit(rule: string, key: string, limit: number): Promise<void> {
    if (limit === 0) return;
    const [row] = await this.#db.query<{ hits: number; retry_after: number }>(
      `WITH w AS (SELECT to_timestamp(floor(extract(epoch FROM now()) / $2) * $2) AS start)
       INSERT INTO rate_limits (bucket, window_start, hits, expires_at)
       SELECT $1, w.start, 1, w.start + make_interval(secs => $2) FROM w
       ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1
       RETURNING hits, greatest(1, ceil(extract(epoch FROM expires_at - now())))::int AS retry_after`,
      [`${rule}:${key}`, this.#windowSeconds],
    );
    if (row && row.hits > limit) {
      metrics.rateLimited(rule);
      throw new RateLimitedError(rule, row.retry_after);
    }
  }

  async purge(): Promise<void> {
    await this.#db.query('DELETE FROM rate_limits WHERE expires_at < now()');
  }
}

/** Which per-address rule a request falls under, if any. */
function addressRule(method: string, route: string | undefined, limits: RateLimits) {
  if (!route) return null;
  if (method === 'POST' && route === ROUTES.token)
    return { rule: 'token-address', limit: limits.tokenPerAddress };
  if (method === 'POST' && route === ROUTES.registration)
    return { rule: 'register-address', limit: limits.registerPerAddress };
  // A login: the authorization request (not its resumption) and every form post of the interaction.
  if (
    (route === ROUTES.authorization && (method === 'GET' || method === 'POST')) ||
    (method === 'POST' &&
      (route === ROUTES.pushed_authorization_request || route.startsWith('/interaction/')))
  )
    return { rule: 'login-address', limit: limits.loginPerAddress };
  return null;
}

export function sendRateLimited(web: Web, req: FastifyRequest, reply: FastifyReply, err: RateLimitedError) {
  reply.header('retry-after', String(err.retryAfter));
  req.log.info({ rule: err.rule }, 'rate limited');
  if (!(req.headers.accept ?? '').includes('text/html')) {
    return reply.code(429).send({ error: err.error, error_description: err.error_description });
  }
  return web.renderProblem(req, reply, {
    status: 429,
    titleKey: 'error.rate_limited.title',
    bodyKey: 'error.rate_limited.body',
  });
}

export async function rateLimitHook(
  app: FastifyInstance,
  o: { limiter: RateLimiter; limits: RateLimits; web: Web },
): Promise<void> {
  app.addHook('onRequest', async (req, reply) => {
    const rule = addressRule(req.method, req.routeOptions.url, o.limits);
    if (!rule) return;
    try {
      await o.limiter.hit(rule.rule, req.ip, rule.limit);
    } catch (err) {
      if (!(err instanceof RateLimitedError)) throw err;
      return sendRateLimited(o.web, req, reply, err);
    }
  });
}
