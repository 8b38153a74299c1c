// The closed question as JSON, for systems that prefer it to XACML: the same fields in plain names
// (ClosedQuestionInput), and the Dezi-verklaring of the professional asking, when the system has it.
//
//   POST /mitz/geslotenautorisatievraag/json
//   Authorization: Bearer <the system's client assertion, aud <issuer>/mitz>
//   { "bsn", "dossierhouderFacilityType", "dossierhouderUra", "gegevenscategorie", "roleCode",
//     "providerId", "mandated"?, "consultingUra", "consultingFacilityType", "purposeOfUse",
//     "verklaring"? }
//
// 200 {"decision": "Permit" | "Deny" | "NotApplicable", "status", the categories}; a question that
// cannot be answered 400 {"decision": "Indeterminate", "status", "message", "missing"?}; a caller
// that may not ask 401/403 as problem+json. The system must act for the consulting URA, and a
// verklaring must be of the providerId at that URA.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { describeError } from '../errors.ts';
import {
  checkQuestion,
  decideQuestion,
  ourFault,
  QUESTION_PATH,
  QuestionError,
  questionFrom,
  recordUnanswered,
  XACML_STATUS,
  type Asker,
  type CheckedQuestion,
  type ClosedQuestionInput,
  type QuestionField,
  type XacmlStatus,
} from './closed-question.ts';
import { MitzAuthError } from './errors.ts';
import { sendProblem } from './problem.ts';
import type { MtlsCheck } from './mtls.ts';
import type { CallingSystem, MitzServices } from './services.ts';

const JSON_BODY_LIMIT = 32 * 1024;
const FIELDS: QuestionField[] = [
  'bsn',
  'dossierhouderFacilityType',
  'dossierhouderUra',
  'gegevenscategorie',
  'roleCode',
  'providerId',
  'mandated',
  'consultingUra',
  'consultingFacilityType',
  'purposeOfUse',
];
const KNOWN = new Set<string>([...FIELDS, 'verklaring']);
/** A property name we may repeat in a message: a name, never a number (a BSN). */
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,40}$/;

/** The body's question, in its shape; the values are checked by checkQuestion. */
function readJsonQuestion(body: unknown): ClosedQuestionInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new QuestionError(XACML_STATUS.syntaxError, 'the body must be a JSON object');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).find((k) => !KNOWN.has(k));
  if (unknown !== undefined)
    throw new QuestionError(
      XACML_STATUS.syntaxError,
      NAME.test(unknown)
        ? `the question has no field ${unknown}`
        : 'the body has a field the question does not have',
    );
  const missing = FIELDS.filter((f) => f !== 'mandated' && b[f] === undefined);
  if (missing.length > 0)
    throw new QuestionError(XACML_STATUS.missingAttribute, `the question lacks ${missing.join(', ')}`, {
      missing,
    });
  for (const f of FIELDS)
    if (typeof b[f] !== 'string' && !(f === 'mandated' && (b[f] === undefined || b[f] === null)))
      throw new QuestionError(XACML_STATUS.syntaxError, `${f} must be a string`);
  if (b.verklaring !== undefined && typeof b.verklaring !== 'string')
    throw new QuestionError(XACML_STATUS.syntaxError, 'verklaring must be a string (a compact JWS)');
  return questionFrom((f) => (typeof b[f] === 'string' ? b[f] : null));
}

/** Who asks (the system; the professional once proven), and what of the question was checked. */
interface Asking {
  system: CallingSystem;
  asker: Asker;
  question?: CheckedQuestion;
}

export async function jsonQuestionRoutes(
  scope: FastifyInstance,
  s: MitzServices,
  mtls: MtlsCheck | null,
): Promise<void> {
  const asking = new WeakMap<FastifyRequest, Asking>();
  const anonymous: Asker = { form: 'json', actor: { kind: 'system' }, clientId: null, abonneeNummer: null };

  async function refuse(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    xacmlStatus: XacmlStatus | null,
    message: string,
    missing: QuestionField[] = [],
  ) {
    const a = asking.get(req);
    await recordUnanswered(s, a?.asker ?? anonymous, {
      status,
      xacmlStatus,
      reason: message,
      question: a?.question,
    }).catch((err: unknown) => ourFault(req, err));
    reply.code(status).header('cache-control', 'no-store');
    // A question without an answer is Indeterminate; a caller that may not ask gets no decision at all.
    if (xacmlStatus)
      return reply.send({
        decision: 'Indeterminate',
        status: xacmlStatus,
        message,
        ...(missing.length ? { missing } : {}),
      });
    return sendProblem(req, reply, new MitzAuthError(status, message));
  }

  scope.setErrorHandler(async (err: FastifyError, req, reply) => {
    if (err instanceof QuestionError)
      return refuse(req, reply, 400, err.xacmlStatus, err.message, err.missing);
    const described = describeError(err);
    if (described.ours) {
      const fault = ourFault(req, err);
      return refuse(req, reply, fault.status, XACML_STATUS.processingError, fault.message);
    }
    if (described.status === 401 || described.status === 403)
      return refuse(req, reply, described.status, null, described.detail);
    // Fastify's own: a body that is not JSON (400), too large (413), of another type (415).
    const message =
      described.status === 413
        ? `the body is larger than ${JSON_BODY_LIMIT / 1024} KiB`
        : described.status === 415
          ? 'the body must be application/json'
          : 'the body is not JSON';
    return refuse(req, reply, described.status, XACML_STATUS.syntaxError, message);
  });

  // The caller first, before its body is read: mutual TLS (when required), then its client assertion.
  scope.addHook('onRequest', async (req) => {
    mtls?.(req);
    const system = await s.systems.authenticate(req);
    asking.set(req, {
      system,
      asker: {
        form: 'json',
        actor: { kind: 'system', clientId: system.clientId, abonneeNummer: system.abonneeNummer },
        clientId: system.clientId,
        abonneeNummer: system.abonneeNummer,
      },
    });
  });

  scope.post(`${QUESTION_PATH}/json`, { bodyLimit: JSON_BODY_LIMIT }, async (req, reply) => {
    const a = asking.get(req)!;
    const { system } = a;
    const body = req.body as { verklaring?: string };
    const checked = checkQuestion(readJsonQuestion(req.body), (f) => f);
    a.question = checked;
    if (checked.input.consultingUra !== system.abonneeNummer)
      throw new MitzAuthError(403, "consultingUra must be the calling system's own URA");
    if (body.verklaring !== undefined) {
      const professional = await s.professionals.check(body.verklaring);
      if (professional.deziNummer !== checked.input.providerId)
        throw new MitzAuthError(403, 'the verklaring is of another professional than providerId');
      if (professional.abonneeNummer !== checked.input.consultingUra)
        throw new MitzAuthError(403, 'the verklaring is for another URA than consultingUra');
      // The professional is proven: the audit names them, on behalf of their abonnee.
      a.asker = {
        ...a.asker,
        actor: {
          kind: 'person',
          deziNummer: professional.deziNummer,
          abonneeNummer: professional.abonneeNummer,
          clientId: system.clientId,
        },
      };
    }
    let decision;
    try {
      ({ decision } = await decideQuestion(s, checked, a.asker));
    } catch (err) {
      const fault = ourFault(req, err);
      return refuse(req, reply, fault.status, XACML_STATUS.processingError, fault.message);
    }
    return reply.header('cache-control', 'no-store').send({
      decision,
      status: XACML_STATUS.ok,
      gegevenscategorie: checked.question.gegevenscategorie,
      dossierhouder: checked.question.dossierhouder,
      raadpleger: checked.question.raadpleger,
      purposeOfUse: checked.question.purpose,
      ...(checked.input.mandated ? { mandated: checked.input.mandated } : {}),
    });
  });
}
