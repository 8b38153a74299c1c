// Prometheus metrics: logins per means and outcome, step latencies, the database pool, verklaringen
// issued and revoked, rate-limit refusals, and Node's process figures. One registry per process (the
// exposition format describes a process); the helpers below are what other modules call.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { statementCount, type Database } from '../db/database.ts';
import { constantTimeEqual } from '../secrets.ts';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'dezi_' });

const logins = new Counter({
  name: 'dezi_logins_total',
  help: 'Logins through the broker, by login means and outcome',
  labelNames: ['means', 'outcome'] as const,
  registers: [registry],
});

const verklaringenIssued = new Counter({
  name: 'dezi_verklaringen_issued_total',
  help: 'Dezi-verklaringen signed and stored',
  registers: [registry],
});

const verklaringenRevoked = new Counter({
  name: 'dezi_verklaringen_revoked_total',
  help: 'Dezi-verklaringen revoked',
  registers: [registry],
});

const rateLimited = new Counter({
  name: 'dezi_rate_limited_total',
  help: 'Requests refused by a rate limit, by rule',
  labelNames: ['rule'] as const,
  registers: [registry],
});

const unavailable = new Counter({
  name: 'dezi_database_unavailable_total',
  help: 'Requests answered 503 because the database could not be reached',
  registers: [registry],
});

const requestSeconds = new Histogram({
  name: 'dezi_http_request_duration_seconds',
  help: 'Time to answer a request, by route (the step of the login) and status class',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

new Counter({
  name: 'dezi_db_statements_total',
  help: 'SQL statements this process sent to the database (BEGIN and COMMIT included)',
  registers: [registry],
  collect() {
    this.reset();
    this.inc(statementCount());
  },
});

const databases = new Set<Database>();
new Gauge({
  name: 'dezi_db_pool_connections',
  help: 'PostgreSQL pool connections by state (total, idle, waiting requests, max)',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const db of databases) {
      const s = db.poolStats();
      if (!s) continue;
      this.inc({ state: 'total' }, s.total);
      this.inc({ state: 'idle' }, s.idle);
      this.inc({ state: 'waiting' }, s.waiting);
      this.inc({ state: 'max' }, s.max);
    }
  },
});

export const metrics = {
  login(means: string, outcome: 'success' | 'failure'): void {
    logins.inc({ means, outcome });
  },
  verklaringIssued(): void {
    verklaringenIssued.inc();
  },
  verklaringenRevoked(n: number): void {
    verklaringenRevoked.inc(n);
  },
  rateLimited(rule: string): void {
    rateLimited.inc({ rule });
  },
  unavailable(): void {
    unavailable.inc();
  },
};

export interface MetricsOptions {
  db: Database;
  /** Bearer token /metrics asks for; null: open (proeftuin) or, in production, not served here. */
  token: string | null;
  open: boolean;
}

export async function metricsRoutes(app: FastifyInstance, o: MetricsOptions): Promise<void> {
  databases.add(o.db);
  app.addHook('onClose', async () => void databases.delete(o.db));

  // Step latencies: measured from routing to the last byte, also for the routes oidc-provider answers
  // on the raw response (hijacked replies skip Fastify's onResponse hook).
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const route = req.routeOptions.url;
    if (!route || route === '/metrics') return;
    const end = requestSeconds.startTimer({ method: req.method, route });
    reply.raw.once('finish', () => end({ status: `${Math.floor(reply.raw.statusCode / 100)}xx` }));
  });

  if (!o.token && !o.open) return;
  app.get('/metrics', async (req, reply) => {
    if (o.token) {
      const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!given || !constantTimeEqual(given, o.token)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({ error: 'invalid_token' });
      }
    }
    return reply
      .header('cache-control', 'no-store')
      .type(registry.contentType)
      .send(await registry.metrics());
  });
}
