// Liveness and readiness for the load balancer and the orchestrator. /healthz: the process serves
// HTTP. /readyz: this instance can serve logins now: the database answers, every migration this code
// knows is applied, the signing keys are loaded, and the instance is not shutting down.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { listMigrations } from '../db/migrate.ts';
import type { KeyRing } from '../oidc/keys.ts';

export interface HealthDeps {
  db: Database;
  keys: KeyRing;
  /** True once shutdown has begun: the load balancer should stop sending requests here. */
  draining: () => boolean;
}

type Check = { ok: true } | { ok: false; reason: string };

async function checkDatabase(db: Database, expected: string[]): Promise<Check> {
  try {
    const rows = await db.query<{ name: string }>('SELECT name FROM schema_migrations WHERE name = ANY($1)', [
      expected,
    ]);
    if (rows.length !== expected.length) return { ok: false, reason: 'migrations not applied' };
    return { ok: true };
  } catch {
    return { ok: false, reason: 'database unreachable' };
  }
}

export async function healthRoutes(app: FastifyInstance, d: HealthDeps): Promise<void> {
  const expected = listMigrations().map((m) => m.name);
  app.get('/healthz', async (_req, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  );

  app.get('/readyz', async (_req, reply) => {
    const checks: Record<string, Check> = {
      shutdown: d.draining() ? { ok: false, reason: 'shutting down' } : { ok: true },
      database: await checkDatabase(d.db, expected),
      keys: d.keys.keys.current ? { ok: true } : { ok: false, reason: 'no signing key loaded' },
    };
    const ready = Object.values(checks).every((c) => c.ok);
    reply.header('cache-control', 'no-store');
    if (!ready) reply.code(503).header('retry-after', '5');
    return reply.send({
      status: ready ? 'ready' : 'not_ready',
      checks: Object.fromEntries(Object.entries(checks).map(([k, c]) => [k, c.ok ? 'ok' : c.reason])),
    });
  });
}
