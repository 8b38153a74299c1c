// The REST API for abonnee systems and the operator (JSON, OpenAPI 3.1 at /api/v1/openapi.json).
// Every handler checks, where it acts, that the employment, invitation or person belongs to the
// calling abonnee; what belongs to another abonnee is answered as not found, and nothing changes.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { recordAudit, type Actor } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import { DeziError } from '../errors.ts';
import { Invitations, type Invitation } from '../register/invitations.ts';
import {
  BigRoleError,
  type Abonnee,
  type AbonneeStatus,
  type Employment,
  type Register,
} from '../register/register.ts';
import { isUuid } from '../ids.ts';
import type { RoleSource } from '../register/roles.ts';
import { ApiAuthenticator, type ApiCaller } from './auth.ts';
import { ApiClientStore } from './clients.ts';
import { mandateHandlers } from './mandates.ts';
import { API_BASE, openApiDocument } from './openapi.ts';
import { ApiProblem, notFound, sendProblem, type ProblemType } from './problem.ts';
import { API_ROUTES, type ApiRoute } from './schemas.ts';

export interface ApiDeps {
  issuer: string;
  db: Database;
  provider: Provider;
  register: Register;
}

type AbonneeCaller = Extract<ApiCaller, { kind: 'abonnee' }>;

function actorOf(caller: ApiCaller): Actor {
  if (caller.kind === 'operator')
    return { kind: 'operator', name: `api:${caller.clientId}`, clientId: caller.clientId };
  if (caller.deziNummer)
    return {
      kind: 'person',
      deziNummer: caller.deziNummer,
      abonneeNummer: caller.abonneeNummer,
      clientId: caller.clientId,
    };
  return { kind: 'system', abonneeNummer: caller.abonneeNummer, clientId: caller.clientId };
}

function fullName(p: { voorletters: string; voorvoegsel: string | null; achternaam: string }): string {
  return [p.voorletters, p.voorvoegsel, p.achternaam].filter(Boolean).join(' ');
}

const isActive = (e: Employment) => e.status === 'active' && e.abonnee.status === 'active';

/** A register rule's refusal as an HTTP status. */
/** The problem type of a client error by its status (Dezi's own errors carry their status). */
const PROBLEM_TYPE: Partial<Record<number, ProblemType>> = {
  400: 'invalid-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  415: 'unsupported-media-type',
};

function invitationView(i: Invitation, code?: string) {
  return {
    id: i.id,
    abonneeNummer: i.abonneeNummer,
    deziNummer: i.deziNummer,
    rolCode: i.rolCode,
    rolCodeBron: i.rolCodeBron,
    status: i.status,
    expiresAt: i.expiresAt.toISOString(),
    employmentId: i.employmentId,
    ...(code ? { registrationCode: code } : {}),
  };
}

const abonneeView = (a: Abonnee) => ({
  abonneeNummer: a.abonneeNummer,
  naam: a.naam,
  kvk: a.kvk,
  agb: a.agb,
  status: a.status,
});

export async function apiRoutes(app: FastifyInstance, d: ApiDeps): Promise<void> {
  const clients = new ApiClientStore(d.db);
  const auth = new ApiAuthenticator({
    db: d.db,
    register: d.register,
    clients,
    provider: d.provider,
    audience: `${d.issuer}${API_BASE}`,
  });
  const invitations = new Invitations(d.db, d.register);
  const document = openApiDocument(d.issuer);

  async function audit(
    caller: ApiCaller,
    action: string,
    outcome: 'success' | 'failure',
    detail: Record<string, string | number | boolean | null> = {},
  ) {
    await recordAudit(d.db, {
      actor: actorOf(caller),
      action: `api.${action}`,
      outcome,
      abonneeNummer: caller.kind === 'abonnee' ? caller.abonneeNummer : null,
      clientId: caller.clientId,
      detail,
    });
  }

  async function employmentView(e: Employment) {
    const person = await d.register.getPerson(e.personId);
    return {
      id: e.id,
      deziNummer: person!.deziNummer,
      naam: fullName(person!),
      abonneeNummer: e.abonnee.abonneeNummer,
      rolCode: e.rolCode,
      rolNaam: e.rolNaam,
      rolCodeBron: e.rolCodeBron,
      startDate: e.startDate,
      endDate: e.endDate,
      active: isActive(e),
    };
  }

  /** The employment, only if it belongs to the caller's abonnee: another's is "not found". */
  async function ownEmployment(caller: AbonneeCaller, employmentId: string): Promise<Employment> {
    const e = isUuid(employmentId) ? await d.register.getEmployment(employmentId) : null;
    if (!e || e.abonnee.id !== caller.abonneeId) throw notFound('employment');
    return e;
  }

  async function abonneeAndPerson(req: FastifyRequest) {
    const p = req.params as { abonneeNummer: string; deziNummer: string };
    const abonnee = await d.register.findAbonnee(p.abonneeNummer);
    if (!abonnee) throw notFound('abonnee');
    const person = await d.register.findPersonByDeziNummer(p.deziNummer);
    if (!person) throw notFound('person');
    return { abonnee, person };
  }

  type Handler = (req: FastifyRequest, caller: ApiCaller) => Promise<{ status: number; body?: unknown }>;
  const handlers: Record<string, Handler> = {
    async listEmployments(_req, caller) {
      const c = caller as AbonneeCaller;
      const items = await Promise.all(
        (await d.register.employmentsOfAbonnee(c.abonneeId)).map(employmentView),
      );
      await audit(caller, 'employments.list', 'success', { count: items.length });
      return { status: 200, body: { items } };
    },
    async getEmployment(req, caller) {
      const e = await ownEmployment(
        caller as AbonneeCaller,
        (req.params as { employmentId: string }).employmentId,
      );
      await audit(caller, 'employment.read', 'success', { employment_id: e.id });
      return { status: 200, body: await employmentView(e) };
    },
    async changeRole(req, caller) {
      const e = await ownEmployment(
        caller as AbonneeCaller,
        (req.params as { employmentId: string }).employmentId,
      );
      const { rolCode, rolCodeBron } = req.body as { rolCode: string | null; rolCodeBron: RoleSource | null };
      await d.register.changeRole(e.id, { rolCode, rolCodeBron }, actorOf(caller));
      return { status: 200, body: await employmentView((await d.register.getEmployment(e.id))!) };
    },
    async endEmployment(req, caller) {
      const e = await ownEmployment(
        caller as AbonneeCaller,
        (req.params as { employmentId: string }).employmentId,
      );
      const { endDate } = (req.body ?? {}) as { endDate?: string };
      await d.register.endEmployment(e.id, actorOf(caller), endDate);
      return { status: 200, body: await employmentView((await d.register.getEmployment(e.id))!) };
    },
    async getPerson(req, caller) {
      const c = caller as AbonneeCaller;
      const { deziNummer } = req.params as { deziNummer: string };
      const person = await d.register.findPersonByDeziNummer(deziNummer);
      // Only persons this abonnee employs (or employed) are visible to it.
      const known =
        person && (await d.register.employmentsOfPerson(person.id)).some((e) => e.abonnee.id === c.abonneeId);
      if (!person || !known) throw notFound('person');
      await audit(caller, 'person.read', 'success', { dezi_nummer: person.deziNummer });
      const { voorletters, voorvoegsel, achternaam, status } = person;
      return {
        status: 200,
        body: { deziNummer: person.deziNummer, voorletters, voorvoegsel, achternaam, status },
      };
    },
    async listInvitations(_req, caller) {
      const items = (await invitations.ofAbonnee((caller as AbonneeCaller).abonneeId)).map((i) =>
        invitationView(i),
      );
      await audit(caller, 'invitations.list', 'success', { count: items.length });
      return { status: 200, body: { items } };
    },
    async createInvitation(req, caller) {
      const c = caller as AbonneeCaller;
      const b = req.body as { deziNummer?: string; rolCode: string | null; rolCodeBron: RoleSource | null };
      let created;
      try {
        created = await invitations.create(
          {
            abonneeId: c.abonneeId,
            deziNummer: b.deziNummer ?? null,
            rolCode: b.rolCode,
            rolCodeBron: b.rolCodeBron,
          },
          c.deziNummer ?? `api:${c.clientId}`,
        );
      } catch (err) {
        // The person would get a 409 when accepting: refuse the invitation now, and say why.
        if (!(err instanceof BigRoleError)) throw err;
        await audit(caller, 'invitation.create', 'failure', {
          reason: `big_${err.reason}`,
          dezi_nummer: err.deziNummer,
          rol_code: err.role.code,
        });
        throw new ApiProblem(422, 'big-registration-required', err.message);
      }
      const { invitation, code } = created;
      await audit(caller, 'invitation.create', 'success', {
        invitation_id: invitation.id,
        dezi_nummer: invitation.deziNummer,
        rol_code: invitation.rolCode,
        by_code: code !== undefined,
      });
      return { status: 201, body: invitationView(invitation, code) };
    },
    async withdrawInvitation(req, caller) {
      const { invitationId } = req.params as { invitationId: string };
      const c = caller as AbonneeCaller;
      if (!(await invitations.withdraw(invitationId, c.abonneeId))) {
        const existing = await invitations.get(invitationId);
        if (!existing || existing.abonneeId !== c.abonneeId) throw notFound('invitation');
        throw new ApiProblem(409, 'conflict', `the invitation is ${existing.status}, not pending`);
      }
      await audit(caller, 'invitation.withdraw', 'success', { invitation_id: invitationId });
      return { status: 204 };
    },
    async createAbonnee(req, caller) {
      const b = req.body as { abonneeNummer: string; naam: string; kvk: string; agb?: string };
      if (await d.register.findAbonnee(b.abonneeNummer))
        throw new ApiProblem(409, 'conflict', 'an abonnee with this abonnee-nummer exists');
      const a = await d.register.createAbonnee(
        { abonneeNummer: b.abonneeNummer, naam: b.naam, kvk: b.kvk, agb: b.agb ?? null },
        actorOf(caller),
      );
      return { status: 201, body: abonneeView(a) };
    },
    async getAbonnee(req, caller) {
      const a = await d.register.findAbonnee((req.params as { abonneeNummer: string }).abonneeNummer);
      if (!a) throw notFound('abonnee');
      await audit(caller, 'abonnee.read', 'success', { abonnee_nummer: a.abonneeNummer });
      return { status: 200, body: abonneeView(a) };
    },
    async setAbonneeStatus(req, caller) {
      const a = await d.register.findAbonnee((req.params as { abonneeNummer: string }).abonneeNummer);
      if (!a) throw notFound('abonnee');
      const { status } = req.body as { status: AbonneeStatus };
      await d.register.setAbonneeStatus(a.id, status, actorOf(caller));
      return { status: 200, body: abonneeView((await d.register.findAbonnee(a.abonneeNummer))!) };
    },
    async addAdministrator(req, caller) {
      const { abonnee, person } = await abonneeAndPerson(req);
      await d.register.addAbonneeAdministrator(abonnee.id, person.id, actorOf(caller));
      return { status: 204 };
    },
    async removeAdministrator(req, caller) {
      const { abonnee, person } = await abonneeAndPerson(req);
      await d.register.removeAbonneeAdministrator(abonnee.id, person.id, actorOf(caller));
      return { status: 204 };
    },
    async createApiClient(req, caller) {
      const a = await d.register.findAbonnee((req.params as { abonneeNummer: string }).abonneeNummer);
      if (!a) throw notFound('abonnee');
      const b = req.body as { name: string; jwks: unknown };
      const client = await clients.add({ kind: 'abonnee', abonneeId: a.id, name: b.name, jwks: b.jwks });
      await audit(caller, 'api_client.create', 'success', {
        abonnee_nummer: a.abonneeNummer,
        api_client: client.clientId,
      });
      return {
        status: 201,
        body: { clientId: client.clientId, name: client.name, abonneeNummer: a.abonneeNummer },
      };
    },
    ...mandateHandlers({ register: d.register, audit, actorOf }),
  };

  await app.register(
    async (api) => {
      api.setErrorHandler((err: FastifyError, req, reply) => {
        if (err instanceof ApiProblem) return sendProblem(reply, err, req.url.split('?')[0]);
        if (err instanceof DeziError && err.status < 500) {
          const type = PROBLEM_TYPE[err.status] ?? 'invalid-request';
          return sendProblem(reply, new ApiProblem(err.status, type, err.expose ? err.message : type));
        }
        if (err.validation) {
          const where = err.validationContext ?? 'body';
          const errors = err.validation.map((v) => ({
            pointer: `/${where === 'params' ? 'path' : where}${v.instancePath}${
              v.keyword === 'required' ? `/${(v.params as { missingProperty: string }).missingProperty}` : ''
            }${v.keyword === 'additionalProperties' ? `/${(v.params as { additionalProperty: string }).additionalProperty}` : ''}`,
            detail: v.keyword === 'additionalProperties' ? 'unknown property' : (v.message ?? 'invalid'),
          }));
          return sendProblem(
            reply,
            new ApiProblem(400, 'invalid-request', `the ${where} does not match the schema`, errors),
          );
        }
        if (err.statusCode === 415)
          return sendProblem(reply, new ApiProblem(415, 'unsupported-media-type', 'send application/json'));
        if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
          return sendProblem(reply, new ApiProblem(err.statusCode, 'invalid-request', err.message));
        req.log.error(
          { err: { type: err.name, message: err.message, stack: err.stack } },
          'api request failed',
        );
        return sendProblem(reply, new ApiProblem(500, 'server-error', 'internal error'));
      });
      api.setNotFoundHandler((req, reply) => sendProblem(reply, notFound('resource'), req.url.split('?')[0]));

      // JSON only: a form post (the site's other routes take forms) is refused before validation.
      api.addHook('preValidation', async (req) => {
        if (req.method === 'POST' || req.method === 'PATCH') {
          const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
          if (
            type !== 'application/json' &&
            !(req.method === 'POST' && req.body === undefined && type === '')
          )
            throw new ApiProblem(415, 'unsupported-media-type', 'send the body as application/json');
        }
      });

      api.get('/openapi.json', async (_req, reply) =>
        reply.header('cache-control', 'public, max-age=300').type('application/json').send(document),
      );

      for (const route of API_ROUTES) registerRoute(api, route);
    },
    { prefix: API_BASE },
  );

  function registerRoute(api: FastifyInstance, route: ApiRoute): void {
    const handler = handlers[route.operationId]!;
    api.route({
      method: route.method,
      url: route.path,
      schema: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.body ? { body: route.body } : {}),
      },
      // Authentication before validation: an anonymous caller learns nothing about the schema.
      preValidation: async (req) => {
        const caller = await auth.authenticate(req);
        if (caller.kind !== route.audience) {
          await audit(caller, route.operationId, 'failure', { reason: 'forbidden' });
          throw new ApiProblem(
            403,
            'forbidden',
            route.audience === 'operator' ? 'operator endpoint' : 'abonnee endpoint',
          );
        }
        (req as FastifyRequest & { caller?: ApiCaller }).caller = caller;
      },
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const caller = (req as FastifyRequest & { caller: ApiCaller }).caller;
        try {
          const { status, body } = await handler(req, caller);
          reply.code(status).header('cache-control', 'no-store');
          return status === 204 ? reply.send() : reply.send(body);
        } catch (err) {
          if (err instanceof ApiProblem && err.status === 404)
            await audit(caller, route.operationId, 'failure', { reason: 'not_found' });
          throw err;
        }
      },
    });
  }
}
