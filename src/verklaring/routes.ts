// Public endpoints of the verklaring service (spec §5.2, §6): the status of one verklaring, the signed
// revocation list, the eSeal JWKS that verklaringen name in their jku, and the JSON schemas.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isUuid } from '../ids.ts';
import { ESEAL_JWKS_PATH } from './eseal.ts';
import { REVOCATION_LIST_PATH, type RevocationListCache } from './revocation-list.ts';
import { STATUS_PATH, type VerklaringService } from './verklaring.ts';

const schema = (file: string) => readFileSync(join(import.meta.dirname, 'schemas', file));
const SCHEMAS: Record<string, Buffer> = {
  'verklaring.json': schema('verklaring.json'),
  'userinfo.json': schema('userinfo.json'),
  'revocatielijst.json': schema('revocatielijst.json'),
};
// The name this project used before the spec's: kept so that a stored json_schema still resolves.
SCHEMAS['envelope.json'] = SCHEMAS['userinfo.json']!;

export const SCHEMA_PATH = '/json_schemas/v1';

const OTHER_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** A problem+json answer shaped as the spec's example (§6.2.4): type, title, status, detail, instance, method. */
export function problem(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  title: string,
  detail: string,
) {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('application/problem+json')
    .send({
      type: 'about:blank',
      title,
      status,
      detail,
      instance: req.url.split('?')[0],
      method: req.method,
    });
}

export interface VerklaringRoutesDeps {
  verklaringen: VerklaringService;
  revocationList: RevocationListCache;
  /** The eSeal JWKS as served, already serialised. */
  esealJwks: () => string;
}

export async function verklaringRoutes(app: FastifyInstance, d: VerklaringRoutesDeps): Promise<void> {
  /** 405 with Allow for the methods a read-only resource does not take (§6.2.4, §6.3.5). */
  function readOnly(url: string) {
    app.route({
      method: [...OTHER_METHODS],
      url,
      handler: (req, reply) =>
        problem(
          req,
          reply.header('allow', 'GET, HEAD'),
          405,
          'Method Not Allowed',
          `${req.method} is not allowed here; use GET`,
        ),
    });
  }

  app.get(`${STATUS_PATH}/:id`, async (req, reply) => {
    const { id } = req.params as { id: string };
    if (!isUuid(id)) return problem(req, reply, 400, 'Bad Request', 'the verklaring id must be a UUID');
    const status = await d.verklaringen.status(id.toLowerCase());
    if (!status)
      return problem(req, reply, 404, 'Resource is not found', `Verklaring met id ${id} niet gevonden`);
    return reply
      .header('cache-control', 'no-store')
      .send({ verklaringId: status.verklaringId, status: status.status });
  });
  readOnly(`${STATUS_PATH}/:id`);

  app.get(REVOCATION_LIST_PATH, async (req, reply) => {
    const list = d.revocationList.current();
    if (!list) {
      reply.header('retry-after', '5');
      return problem(
        req,
        reply,
        503,
        'Service Unavailable',
        'the revocation list is being built; try again shortly',
      );
    }
    // Pollers may keep it until the next refresh, and ask again cheaply with If-None-Match.
    const maxAge = Math.max(0, list.refreshAt - Math.floor(Date.now() / 1000));
    reply.header('cache-control', `public, max-age=${maxAge}`).header('etag', list.etag);
    if (req.headers['if-none-match'] === list.etag) return reply.code(304).send();
    return reply.type('application/jose;charset=utf-8').send(list.jws);
  });
  readOnly(REVOCATION_LIST_PATH);

  app.get(ESEAL_JWKS_PATH, async (_req, reply) =>
    reply.type('application/json').header('cache-control', 'public, max-age=300').send(d.esealJwks()),
  );
  readOnly(ESEAL_JWKS_PATH);

  app.get(`${SCHEMA_PATH}/:name`, async (req, reply) => {
    const body = SCHEMAS[(req.params as { name: string }).name];
    if (!body) return problem(req, reply, 404, 'Resource is not found', 'no such schema');
    return reply.type('application/schema+json').header('cache-control', 'public, max-age=86400').send(body);
  });
}
