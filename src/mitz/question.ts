// STUB: to be written.
import type { FastifyInstance } from 'fastify';
import type { MitzServices } from './services.ts';

export async function questionRoutes(_app: FastifyInstance, _s: MitzServices): Promise<void> {}
