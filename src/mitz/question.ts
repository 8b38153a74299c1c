// The closed authorisation question ("gesloten autorisatievraag"): may this professional, at this
// care provider, see this category of the citizen's data held by that dossierhouder? Two forms of
// the one question (closed-question.ts): XACML 3.0 over SOAP 1.2 with WS-Addressing, as Mitz's
// callers send it (here), and JSON for systems that prefer it (question-json.ts). Every question and
// every answer is in the audit trail; the BSN is in neither a log line nor an audit record.
//
// The XACML form always answers with a SOAP envelope holding an XACML Response, also when the message
// could not be read: Indeterminate with syntax-error (and 400) for a body that is not XML, not a SOAP
// 1.2 envelope, has the wrong WS-Addressing action or no XACMLAuthzDecisionQuery; with 413 for a body
// over 64 KiB; with 403 when mutual TLS is required and missing; with 200 when the envelope was fine
// but the question in it was not (missing-attribute, syntax-error, processing-error); 500 or 503 with
// processing-error when Mitz itself could not decide.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { describeError } from '../errors.ts';
import {
  checkQuestion,
  decideQuestion,
  ourFault,
  QUESTION_PATH,
  QuestionError,
  recordUnanswered,
  XACML_STATUS,
  type Asker,
  type CheckedQuestion,
  type XacmlStatus,
} from './closed-question.ts';
import { mtlsCheck, type MtlsCheck } from './mtls.ts';
import { jsonQuestionRoutes } from './question-json.ts';
import type { MitzServices } from './services.ts';
import {
  attributeName,
  readXacmlQuestion,
  SOAP_CONTENT_TYPE,
  writeXacmlAnswer,
  type XacmlAnswer,
} from './xacml.ts';

/** The reference message is 5 KB; signed, with its certificate chain, about 12 KB. */
export const XACML_BODY_LIMIT = 64 * 1024;

export async function questionRoutes(app: FastifyInstance, s: MitzServices): Promise<void> {
  const mtls = mtlsCheck(s.config.mtls);
  await app.register(async (scope) => xacmlRoutes(scope, s, mtls));
  await app.register(async (scope) => jsonQuestionRoutes(scope, s, mtls));
}

async function xacmlRoutes(scope: FastifyInstance, s: MitzServices, mtls: MtlsCheck | null): Promise<void> {
  // Whatever the content type says, the body is read as text and must be the SOAP envelope: so that a
  // wrong one still gets a SOAP answer, not Fastify's JSON 415.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: XACML_BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  );
  // The caller is the connection's client certificate (when required), not a party named in the message.
  const asker: Asker = { form: 'xacml3', actor: { kind: 'system' }, clientId: null, abonneeNummer: null };

  async function answer(
    req: FastifyRequest,
    reply: FastifyReply,
    httpStatus: number,
    a: XacmlAnswer,
    unanswered?: { reason: string; question?: CheckedQuestion },
  ) {
    if (unanswered) {
      req.log.info({ status: httpStatus, xacmlStatus: a.status }, 'closed question: Indeterminate');
      await recordUnanswered(s, asker, {
        status: httpStatus,
        xacmlStatus: a.status,
        ...unanswered,
      }).catch((err: unknown) => ourFault(req, err));
    }
    return reply
      .code(httpStatus)
      .header('cache-control', 'no-store')
      .type(SOAP_CONTENT_TYPE)
      .send(writeXacmlAnswer(a));
  }

  const indeterminate = (
    req: FastifyRequest,
    reply: FastifyReply,
    httpStatus: number,
    status: XacmlStatus,
    message: string,
    o: { relatesTo?: string | null; missing?: QuestionError['missing']; question?: CheckedQuestion } = {},
  ) =>
    answer(
      req,
      reply,
      httpStatus,
      { decision: 'Indeterminate', status, message, missing: o.missing, relatesTo: o.relatesTo ?? null },
      { reason: message, question: o.question },
    );

  // Refusals before the handler (mutual TLS, a body too large or unreadable) are answered in SOAP too.
  scope.setErrorHandler(async (err: FastifyError, req, reply) => {
    const described = describeError(err);
    if (described.ours) {
      const fault = ourFault(req, err);
      return indeterminate(req, reply, fault.status, XACML_STATUS.processingError, fault.message);
    }
    const message =
      described.status === 413
        ? `the message is larger than ${XACML_BODY_LIMIT / 1024} KiB`
        : described.status === 403
          ? described.detail
          : 'the request could not be read';
    const status = described.status === 403 ? XACML_STATUS.processingError : XACML_STATUS.syntaxError;
    return indeterminate(req, reply, described.status, status, message);
  });

  if (mtls) scope.addHook('onRequest', async (req) => mtls(req));

  scope.post(`${QUESTION_PATH}/xacml3`, async (req, reply) => {
    const reading = readXacmlQuestion(typeof req.body === 'string' ? req.body : '');
    const relatesTo = reading.messageId;
    if ('error' in reading) {
      const e = reading.error;
      return indeterminate(req, reply, e.envelope ? 400 : 200, e.xacmlStatus, e.message, {
        relatesTo,
        missing: e.missing,
      });
    }
    let checked: CheckedQuestion;
    try {
      checked = checkQuestion(reading.question, attributeName);
    } catch (err) {
      if (!(err instanceof QuestionError)) throw err;
      return indeterminate(req, reply, 200, err.xacmlStatus, err.message, { relatesTo });
    }
    try {
      const { decision } = await decideQuestion(s, checked, asker);
      return await answer(req, reply, 200, {
        decision,
        status: XACML_STATUS.ok,
        relatesTo,
        echo: reading.echo,
      });
    } catch (err) {
      const fault = ourFault(req, err);
      return indeterminate(req, reply, fault.status, XACML_STATUS.processingError, fault.message, {
        relatesTo,
        question: checked,
      });
    }
  });
}
