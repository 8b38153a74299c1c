// Public endpoints of the verklaring service: status per verklaring, and the JSON schemas.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { isUuid } from '../register/register.ts';
import type { VerklaringService } from './verklaring.ts';

const SCHEMAS: Record<string, Buffer> = {
  'verklaring.json': readFileSync(join(import.meta.dirname, 'schemas', 'verklaring.json')),
  'envelope.json': readFileSync(join(import.meta.dirname, 'schemas', 'envelope.json')),
};

export async function verklaringRoutes(
  app: FastifyInstance,
  d: { verklaringen: VerklaringService },
): Promise<void> {
  app.get('/status/v1/verklaring/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    const status = isUuid(id) ? await d.verklaringen.status(id) : null;
    reply.header('cache-control', 'no-store');
    if (!status) return reply.code(404).send({ error: 'not_found', error_description: 'unknown verklaring' });
    return reply.send(status);
  });

  app.get('/json_schemas/v1/:name', async (req, reply) => {
    const schema = SCHEMAS[(req.params as { name: string }).name];
    if (!schema) return reply.code(404).send({ error: 'not_found' });
    return reply
      .type('application/schema+json')
      .header('cache-control', 'public, max-age=86400')
      .send(schema);
  });
}
