// STUB: to be written.
import type { FastifyInstance } from 'fastify';
import type { MitzServices } from './services.ts';

export async function knoppenRoutes(_app: FastifyInstance, _s: MitzServices): Promise<void> {}
