// RFC 9457 problem details for Mitz's JSON APIs (the knoppen, the JSON question): the status and
// message of any DeziError, the rest an internal error that says nothing more. Mitz's type URIs are
// its own, so that a caller can tell its refusals from the register API's.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { describeError, DeziError } from '../errors.ts';

export const MITZ_PROBLEM_BASE = 'https://dezi.nl/mitz/problems/';

const TYPES: Record<number, string> = {
  400: 'invalid-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  413: 'too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'too-many-requests',
  503: 'unavailable',
};

/** A request Mitz understood but will not carry out (a business rule): 422. */
export class Unprocessable extends DeziError {
  override name = 'Unprocessable';
  readonly pointer?: string;
  constructor(detail: string, pointer?: string) {
    super(detail, { status: 422, expose: true });
    if (pointer) this.pointer = pointer;
  }
}

export function sendProblem(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const answer = describeError(err);
  if (answer.ours) req.log.error({ err }, 'mitz request failed');
  if (answer.status === 401) reply.header('www-authenticate', 'Bearer realm="mitz"');
  const pointer = err instanceof Unprocessable ? err.pointer : undefined;
  return reply
    .code(answer.status)
    .header('cache-control', 'no-store')
    .type('application/problem+json')
    .send({
      type: `${MITZ_PROBLEM_BASE}${TYPES[answer.status] ?? (answer.ours ? 'server-error' : 'invalid-request')}`,
      title: answer.ours ? 'Internal error' : 'Request refused',
      status: answer.status,
      detail: answer.detail,
      instance: req.url.split('?')[0],
      ...(pointer ? { errors: [{ pointer, detail: answer.detail }] } : {}),
    });
}

/** Makes every error of this scope (a body too large, malformed JSON, a refusal) problem+json. */
export function problemsFor(scope: FastifyInstance): void {
  scope.setErrorHandler((err, req, reply) => sendProblem(req, reply, err));
}
