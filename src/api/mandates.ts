// The REST API's handlers for mandates and self-declared roles (schemas in mandate-schemas.ts). Only
// the calling abonnee's: another abonnee's mandate or declaration is answered as not found, audited,
// and nothing changes.
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../audit/audit.ts';
import {
  MandateRefused,
  RoleDeclarationRefused,
  type Mandate,
  type Register,
  type RoleDeclaration,
} from '../register/register.ts';
import type { ApiCaller } from './auth.ts';
import { ApiProblem, notFound } from './problem.ts';

type AbonneeCaller = Extract<ApiCaller, { kind: 'abonnee' }>;
type Handler = (req: FastifyRequest, caller: ApiCaller) => Promise<{ status: number; body?: unknown }>;
type Audit = (
  caller: ApiCaller,
  action: string,
  outcome: 'success' | 'failure',
  detail?: Record<string, string | number | boolean | null>,
) => Promise<void>;

const naam = (p: { voorletters: string; voorvoegsel: string | null; achternaam: string }) =>
  [p.voorletters, p.voorvoegsel, p.achternaam].filter(Boolean).join(' ');

export function mandateView(m: Mandate) {
  return {
    id: m.id,
    abonneeNummer: m.abonnee.abonneeNummer,
    mandator: { deziNummer: m.mandator.deziNummer, naam: naam(m.mandator) },
    mandatorRolCode: m.mandatorRolCode,
    mandatee: { deziNummer: m.mandatee.deziNummer, naam: naam(m.mandatee) },
    startDate: m.startDate,
    endDate: m.endDate,
    clientIds: m.clientIds,
    status: m.status,
    createdAt: m.createdAt.toISOString(),
    decidedAt: m.decidedAt?.toISOString() ?? null,
    endedAt: m.endedAt?.toISOString() ?? null,
  };
}

export function roleDeclarationView(d: RoleDeclaration) {
  return {
    id: d.id,
    employmentId: d.employmentId,
    abonneeNummer: d.abonnee.abonneeNummer,
    person: { deziNummer: d.person.deziNummer, naam: naam(d.person) },
    rolCode: d.rolCode,
    rolNaam: d.rolNaam,
    status: d.status,
    declaredAt: d.declaredAt.toISOString(),
    decidedAt: d.decidedAt?.toISOString() ?? null,
    decidedBy: d.decidedBy,
  };
}

/** A register refusal as a problem: not found stays 404, a rule's refusal says which. */
function problemOf(err: MandateRefused | RoleDeclarationRefused, what: string): ApiProblem {
  if (err.code === 'not_found') return notFound(what);
  if (err.code === 'forbidden') return new ApiProblem(403, 'forbidden', err.message);
  if (err.code === 'invalid') return new ApiProblem(400, 'invalid-request', err.message);
  return new ApiProblem(409, 'conflict', err.message);
}

export function mandateHandlers(d: {
  register: Register;
  audit: Audit;
  actorOf: (caller: ApiCaller) => Actor;
}): Record<string, Handler> {
  const param = (req: FastifyRequest, name: string) => (req.params as Record<string, string>)[name]!;

  /** The mandate, only if it lies within the caller's abonnee. */
  async function ownMandate(caller: AbonneeCaller, id: string): Promise<Mandate> {
    const m = await d.register.mandates.get(id);
    if (!m || m.abonnee.id !== caller.abonneeId) throw notFound('mandate');
    return m;
  }

  async function ownDeclaration(caller: AbonneeCaller, id: string): Promise<RoleDeclaration> {
    const x = await d.register.roleDeclarations.get(id);
    if (!x || x.abonnee.id !== caller.abonneeId) throw notFound('role declaration');
    return x;
  }

  /** Runs a change; a register refusal is audited and answered as a problem. */
  async function change<T>(
    caller: ApiCaller,
    action: string,
    detail: Record<string, string>,
    what: string,
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof MandateRefused) && !(err instanceof RoleDeclarationRefused)) throw err;
      await d.audit(caller, action, 'failure', { ...detail, reason: err.reason });
      throw problemOf(err, what);
    }
  }

  return {
    async listMandates(_req, caller) {
      const items = (await d.register.mandates.ofAbonnee((caller as AbonneeCaller).abonneeId)).map(
        mandateView,
      );
      await d.audit(caller, 'mandates.list', 'success', { count: items.length });
      return { status: 200, body: { items } };
    },
    async getMandate(req, caller) {
      const m = await ownMandate(caller as AbonneeCaller, param(req, 'mandateId'));
      await d.audit(caller, 'mandate.read', 'success', { mandate_id: m.id });
      return { status: 200, body: mandateView(m) };
    },
    async endMandate(req, caller) {
      const c = caller as AbonneeCaller;
      const m = await ownMandate(c, param(req, 'mandateId'));
      const ended = await change(caller, 'mandate.end', { mandate_id: m.id }, 'mandate', () =>
        d.register.mandates.end(m.id, { abonneeId: c.abonneeId }, d.actorOf(caller)),
      );
      return { status: 200, body: mandateView(ended) };
    },
    async listRoleDeclarations(_req, caller) {
      const items = (await d.register.roleDeclarations.ofAbonnee((caller as AbonneeCaller).abonneeId)).map(
        roleDeclarationView,
      );
      await d.audit(caller, 'role_declarations.list', 'success', { count: items.length });
      return { status: 200, body: { items } };
    },
    async getRoleDeclaration(req, caller) {
      const x = await ownDeclaration(caller as AbonneeCaller, param(req, 'declarationId'));
      await d.audit(caller, 'role_declaration.read', 'success', { role_declaration_id: x.id });
      return { status: 200, body: roleDeclarationView(x) };
    },
    async confirmRoleDeclaration(req, caller) {
      const c = caller as AbonneeCaller;
      const x = await ownDeclaration(c, param(req, 'declarationId'));
      const done = await change(
        caller,
        'role_declaration.confirm',
        { role_declaration_id: x.id },
        'role declaration',
        () => d.register.roleDeclarations.confirm(x.id, c.abonneeId, d.actorOf(caller)),
      );
      return { status: 200, body: roleDeclarationView(done) };
    },
    async refuseRoleDeclaration(req, caller) {
      const c = caller as AbonneeCaller;
      const x = await ownDeclaration(c, param(req, 'declarationId'));
      const done = await change(
        caller,
        'role_declaration.refuse',
        { role_declaration_id: x.id },
        'role declaration',
        () => d.register.roleDeclarations.refuse(x.id, c.abonneeId, d.actorOf(caller)),
      );
      return { status: 200, body: roleDeclarationView(done) };
    },
  };
}
