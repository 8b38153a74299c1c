// The closed authorisation question ("gesloten autorisatievraag") as both of its forms carry it, the
// XACML message (xacml.ts) and the JSON body (question.ts): its fields in plain names, their checks,
// the decision, and the audit record of every question and answer. The forms differ only in how a
// field is named to the caller; what is asked, decided and recorded is the same.
import type { FastifyRequest } from 'fastify';
import { recordAudit, type Actor, type AuditDetail } from '../audit/audit.ts';
import { isUnavailable } from '../db/database.ts';
import { DeziError } from '../errors.ts';
import { Bsn, InvalidBsnError } from '../means/bsn.ts';
import {
  categoryOfFacility,
  GEGEVENSCATEGORIE_CODES,
  isGegevenscategorie,
  PURPOSES,
  type Purpose,
} from './codes.ts';
import type { Decision, Question } from './decision.ts';
import type { MitzServices } from './services.ts';

/** Under Mitz's prefix: `/mitz/geslotenautorisatievraag/xacml3` and `/json`. */
export const QUESTION_PATH = '/geslotenautorisatievraag';

/** XACML's status codes (XACML 3.0 §B.8): ok with a decision, the other three with Indeterminate. */
export const XACML_STATUS = {
  ok: 'urn:oasis:names:tc:xacml:1.0:status:ok',
  missingAttribute: 'urn:oasis:names:tc:xacml:1.0:status:missing-attribute',
  syntaxError: 'urn:oasis:names:tc:xacml:1.0:status:syntax-error',
  processingError: 'urn:oasis:names:tc:xacml:1.0:status:processing-error',
} as const;
export type XacmlStatus = (typeof XACML_STATUS)[keyof typeof XACML_STATUS];

export type Answer = Decision | 'Indeterminate';

/** The question's fields, as the caller gave them (the XACML form: each value's extension or code). */
export interface ClosedQuestionInput {
  /** The citizen's BSN (resource-id). */
  bsn: string;
  /** The dossierhouder's facility type (healthcare-facility-type-code): its provider category. */
  dossierhouderFacilityType: string;
  /** The dossierhouder's URA (author-institution:id). */
  dossierhouderUra: string;
  /** The data asked for (event-code): GGC002, GGC012, GGC013. */
  gegevenscategorie: string;
  /** The asking professional's role code (subject:role). */
  roleCode: string;
  /** The responsible professional's UZI- or Dezi-nummer (provider-identifier). */
  providerId: string;
  /** The professional consulting under that one's mandate (subject:mandated): recorded, not decisive. */
  mandated: string | null;
  /** The consulting organisation's URA (provider-institution). */
  consultingUra: string;
  /** The consulting organisation's facility type: the raadplegende provider category. */
  consultingFacilityType: string;
  /** TREAT (explicit consent) or COC (assumed consent). */
  purposeOfUse: string;
}
export type QuestionField = keyof ClosedQuestionInput;

/**
 * The question from a form's values, by field (read after the form checked that every field but
 * mandated is there): the required ones as text, mandated as given or null.
 */
export function questionFrom(value: (f: QuestionField) => string | null): ClosedQuestionInput {
  const text = (f: QuestionField) => value(f) ?? '';
  return {
    bsn: text('bsn'),
    dossierhouderFacilityType: text('dossierhouderFacilityType'),
    dossierhouderUra: text('dossierhouderUra'),
    gegevenscategorie: text('gegevenscategorie'),
    roleCode: text('roleCode'),
    providerId: text('providerId'),
    mandated: value('mandated'),
    consultingUra: text('consultingUra'),
    consultingFacilityType: text('consultingFacilityType'),
    purposeOfUse: text('purposeOfUse'),
  };
}

/**
 * The shape each value must have. Codes and identifiers are short and plain; a URA has 8 digits, a
 * UZI- or Dezi-nummer at most 12. The BSN is checked by Bsn.parse (elfproef) instead.
 */
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const SHAPE: Record<Exclude<QuestionField, 'bsn'>, { pattern: RegExp; what: string }> = {
  dossierhouderFacilityType: { pattern: CODE, what: 'a facility type code' },
  dossierhouderUra: { pattern: /^[0-9]{8}$/, what: 'a URA (8 digits)' },
  gegevenscategorie: { pattern: CODE, what: 'a gegevenscategorie code' },
  roleCode: { pattern: /^[0-9A-Za-z][0-9A-Za-z.]{0,15}$/, what: 'a role code' },
  providerId: { pattern: /^[0-9]{1,12}$/, what: 'a UZI- or Dezi-nummer (digits)' },
  mandated: { pattern: /^[0-9]{1,12}$/, what: 'a UZI- or Dezi-nummer (digits)' },
  consultingUra: { pattern: /^[0-9]{8}$/, what: 'a URA (8 digits)' },
  consultingFacilityType: { pattern: CODE, what: 'a facility type code' },
  purposeOfUse: { pattern: CODE, what: 'a purpose of use code' },
};

/**
 * Why a question is answered Indeterminate: its XACML status and a message for the caller. The
 * message never holds a value the caller sent (it may be a BSN): it names the field and what it must
 * be. `envelope`: the message around the question was broken (not XML, not SOAP, the wrong action),
 * not the question in it; the XACML form answers that with 400, a broken question with 200.
 */
export class QuestionError extends DeziError {
  override name = 'QuestionError';
  readonly xacmlStatus: Exclude<XacmlStatus, typeof XACML_STATUS.ok>;
  /** The fields that were missing (missing-attribute). */
  readonly missing: QuestionField[];
  readonly envelope: boolean;

  constructor(
    xacmlStatus: QuestionError['xacmlStatus'],
    message: string,
    o: { missing?: QuestionField[]; envelope?: boolean } = {},
  ) {
    super(message, { status: 400, expose: true });
    this.xacmlStatus = xacmlStatus;
    this.missing = o.missing ?? [];
    this.envelope = o.envelope ?? false;
  }
}

/** A question whose every field passed: what the decision needs. */
export interface CheckedQuestion {
  bsn: Bsn;
  question: Question;
  input: ClosedQuestionInput;
}

/**
 * Checks the fields and maps the facility types onto provider categories. `name` says what a field
 * is called in the caller's form (an AttributeId, a JSON property). Throws QuestionError.
 */
export function checkQuestion(
  input: ClosedQuestionInput,
  name: (f: QuestionField) => string,
): CheckedQuestion {
  for (const field of Object.keys(SHAPE) as (keyof typeof SHAPE)[]) {
    const value = input[field];
    if (value === null && field === 'mandated') continue;
    if (typeof value !== 'string' || !SHAPE[field].pattern.test(value))
      throw new QuestionError(XACML_STATUS.syntaxError, `${name(field)} must be ${SHAPE[field].what}`);
  }
  let bsn: Bsn;
  try {
    bsn = Bsn.parse(input.bsn);
  } catch (err) {
    if (err instanceof InvalidBsnError)
      throw new QuestionError(XACML_STATUS.syntaxError, `${name('bsn')} is not a valid BSN`);
    throw err;
  }
  if (!isGegevenscategorie(input.gegevenscategorie))
    throw new QuestionError(
      XACML_STATUS.processingError,
      `${name('gegevenscategorie')} is not a gegevenscategorie Mitz knows (${GEGEVENSCATEGORIE_CODES.join(', ')})`,
    );
  const dossierhouder = categoryOfFacility(input.dossierhouderFacilityType);
  if (!dossierhouder)
    throw new QuestionError(
      XACML_STATUS.processingError,
      `${name('dossierhouderFacilityType')} is a facility type without a provider category in Mitz's table`,
    );
  const raadpleger = categoryOfFacility(input.consultingFacilityType);
  if (!raadpleger)
    throw new QuestionError(
      XACML_STATUS.processingError,
      `${name('consultingFacilityType')} is a facility type without a provider category in Mitz's table`,
    );
  if (!(PURPOSES as readonly string[]).includes(input.purposeOfUse))
    throw new QuestionError(
      XACML_STATUS.processingError,
      `${name('purposeOfUse')} must be ${PURPOSES.join(' or ')}`,
    );
  return {
    bsn,
    input,
    question: {
      gegevenscategorie: input.gegevenscategorie,
      dossierhouder,
      raadpleger,
      purpose: input.purposeOfUse as Purpose,
    },
  };
}

/** Who asked, as the audit names them. */
export interface Asker {
  form: 'xacml3' | 'json';
  actor: Actor;
  clientId: string | null;
  abonneeNummer: string | null;
}

/** What the audit may hold of a question: the checked fields, never the BSN. */
function questionDetail(q: CheckedQuestion): AuditDetail {
  return {
    gegevenscategorie: q.question.gegevenscategorie,
    dossierhouder: q.question.dossierhouder,
    raadpleger: q.question.raadpleger,
    purposeOfUse: q.question.purpose,
    dossierhouderUra: q.input.dossierhouderUra,
    consultingUra: q.input.consultingUra,
    providerId: q.input.providerId,
    roleCode: q.input.roleCode,
    mandated: q.input.mandated,
  };
}

/**
 * Decides the question (one statement: Choices.decide) and records the question and its answer in
 * the audit trail before the answer leaves: an answer that could not be recorded is not given.
 */
export async function decideQuestion(
  s: MitzServices,
  q: CheckedQuestion,
  by: Asker,
): Promise<{ decision: Decision; citizenId: string | null }> {
  const { decision, citizenId } = await s.choices.decide(q.bsn, q.question);
  await recordAudit(s.db, {
    actor: by.actor,
    action: 'mitz.question',
    outcome: 'success',
    abonneeNummer: by.abonneeNummer,
    clientId: by.clientId,
    target: citizenId ? `citizen:${citizenId}` : null,
    detail: { form: by.form, decision, ...questionDetail(q), clientId: by.clientId },
  });
  return { decision, citizenId };
}

/**
 * Records a question that got no decision (Indeterminate) or was refused: why, and what of the
 * question was checked. `reason` is one of our own messages, never the caller's text.
 */
export async function recordUnanswered(
  s: MitzServices,
  by: Asker,
  o: { status: number; xacmlStatus: XacmlStatus | null; reason: string; question?: CheckedQuestion },
): Promise<void> {
  await recordAudit(s.db, {
    actor: by.actor,
    action: 'mitz.question',
    outcome: 'failure',
    abonneeNummer: by.abonneeNummer,
    clientId: by.clientId,
    target: null,
    detail: {
      form: by.form,
      decision: o.xacmlStatus ? 'Indeterminate' : null,
      status: o.status,
      xacmlStatus: o.xacmlStatus,
      reason: o.reason.slice(0, 300),
      ...(o.question ? questionDetail(o.question) : {}),
      clientId: by.clientId,
    },
  });
}

/** What went wrong of ours, said without detail (it is logged, with its cause, not answered). */
export function ourFault(req: FastifyRequest, err: unknown): { status: number; message: string } {
  const e = err as Error;
  req.log.error({ err: { type: e?.name, message: e?.message, stack: e?.stack } }, 'closed question failed');
  return isUnavailable(err)
    ? { status: 503, message: 'Mitz cannot decide now: try again in a few seconds' }
    : { status: 500, message: 'Mitz could not decide this question (an internal error)' };
}
