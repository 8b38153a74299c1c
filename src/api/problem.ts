// RFC 9457 problem details: every API error is application/problem+json with a stable type URI.
import type { FastifyReply } from 'fastify';
import { DeziError } from '../errors.ts';

export const PROBLEM_BASE = 'https://dezi.nl/problems/';

export type ProblemType =
  | 'invalid-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'big-registration-required'
  | 'unsupported-media-type'
  | 'server-error';

const TITLES: Record<ProblemType, string> = {
  'invalid-request': 'The request is not valid',
  unauthorized: 'Authentication is required',
  forbidden: 'Not allowed for this client',
  'not-found': 'Not found',
  conflict: 'Conflicts with the current state',
  'big-registration-required': 'The person does not hold this role in the BIG-register',
  'unsupported-media-type': 'Unsupported media type',
  'server-error': 'Internal error',
};

/** An API failure that maps to one HTTP status and problem type. */
export class ApiProblem extends DeziError {
  override name = 'ApiProblem';
  readonly type: ProblemType;
  readonly errors?: { pointer: string; detail: string }[];
  constructor(
    status: number,
    type: ProblemType,
    detail: string,
    errors?: { pointer: string; detail: string }[],
  ) {
    super(detail, { status, expose: true });
    this.type = type;
    this.errors = errors;
  }
}

export const notFound = (what: string) => new ApiProblem(404, 'not-found', `${what} not found`);

export function sendProblem(reply: FastifyReply, p: ApiProblem, instance?: string): FastifyReply {
  if (p.status === 401) reply.header('www-authenticate', 'Bearer realm="dezi-api"');
  return reply
    .code(p.status)
    .header('cache-control', 'no-store')
    .type('application/problem+json')
    .send({
      type: `${PROBLEM_BASE}${p.type}`,
      title: TITLES[p.type],
      status: p.status,
      detail: p.message,
      ...(instance ? { instance } : {}),
      ...(p.errors ? { errors: p.errors } : {}),
    });
}
