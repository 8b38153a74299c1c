// What the pages of beheer share: their dependencies, the operator a request acts as (set by the
// access check in routes.ts for every /beheer route), the page frame with the section navigation,
// problem pages, notices, and beheer's form controls: the house style's (components.ts), named by
// the field's name, with the errors of a form kept by field id.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Actor } from '../../audit/audit.ts';
import type { Database } from '../../db/database.ts';
import { getClient, type RegisteredClient } from '../../oidc/client-admin.ts';
import type { MeansRegistry } from '../../means/registry.ts';
import type { MeansSwitches } from '../../means/switches.ts';
import type { Fees } from '../../register/fees.ts';
import type { Person, Register } from '../../register/register.ts';
import { formatAmsterdam } from '../../time.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { t, type Lang, type MessageKey } from '../../web/i18n.ts';
import type { Web } from '../../web/web.ts';
import {
  dateField,
  errorSummary as summary,
  fileField,
  selectField,
  textareaField,
} from '../../web/components.ts';
import { csrfField } from '../forms.ts';
import { PORTAL_CLIENT_ID, type PortalLogin } from '../login.ts';
import { sessionBinding } from '../mijn-dezi.ts';
import type { PortalSession, PortalState } from '../sessions.ts';
import type { Operators } from './operators.ts';

export interface BeheerDeps {
  issuer: string;
  db: Database;
  provider: Provider;
  register: Register;
  fees: Fees;
  means: MeansRegistry;
  switches: MeansSwitches;
  web: Web;
  state: PortalState;
  login: PortalLogin;
  operators: Operators;
}

/** The operator a request acts as: their portal session, their person, and the actor they are audited as. */
export interface Operator {
  session: PortalSession;
  person: Person;
  actor: Actor;
}

const operators = new WeakMap<FastifyRequest, Operator>();

export function setOperator(req: FastifyRequest, operator: Operator): void {
  operators.set(req, operator);
}

/** The operator of a request that passed the access check (every route of beheer's scope). */
export function operatorOf(req: FastifyRequest): Operator {
  const operator = operators.get(req);
  if (!operator) throw new Error('beheer route reached without the access check');
  return operator;
}

/** The operator as the audit trail names them: an operator, by Dezi-nummer. */
export const operatorActor = (p: Person): Actor => ({ kind: 'operator', name: p.deziNummer });

/** The CSRF field of the operator's session, for every form of beheer. */
export function csrf(web: Web, req: FastifyRequest): SafeHtml {
  return csrfField(web, sessionBinding(operatorOf(req).session));
}

export type Section = 'abonnees' | 'personen' | 'zorgapplicaties' | 'inlogmiddelen' | 'facturen' | 'audit';

const SECTIONS: readonly [Section, string, MessageKey][] = [
  ['abonnees', '/beheer/abonnees', 'beheer.nav.abonnees'],
  ['personen', '/beheer/personen', 'beheer.nav.personen'],
  ['zorgapplicaties', '/beheer/zorgapplicaties', 'beheer.nav.zorgapplicaties'],
  ['inlogmiddelen', '/beheer/inlogmiddelen', 'beheer.nav.inlogmiddelen'],
  ['facturen', '/beheer/facturen', 'beheer.nav.facturen'],
  ['audit', '/beheer/audit', 'beheer.nav.audit'],
];

function nav(lang: Lang, current: Section | null): SafeHtml {
  return html`<nav aria-label="${t(lang, 'beheer.nav.label')}">
    <ul class="plain-list form-row">
      <li>
        <a href="/beheer" ${current === null ? html`aria-current="page"` : ''}>${t(lang, 'beheer.title')}</a>
      </li>
      ${SECTIONS.map(
        ([s, href, key]) =>
          html`<li>
            <a href="${href}" ${s === current ? html`aria-current="page"` : ''}>${t(lang, key)}</a>
          </li>`,
      )}
    </ul>
  </nav>`;
}

/** A page of beheer: the section navigation, then the body; "Fout: " in the title after a form error. */
export function beheerPage(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  o: { title: string; section: Section | null; body: SafeHtml; status?: number; hasErrors?: boolean },
): FastifyReply {
  const lang = web.lang(req, reply);
  return web.render(req, reply, {
    lang,
    status: o.status,
    title: o.title,
    error: o.hasErrors,
    body: html`${nav(lang, o.section)}${o.body}`,
  });
}

export type ProblemKey = 'forbidden' | 'not_found' | 'refused';

/** A refusal in beheer: what happened and the way back. */
export function beheerProblem(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  key: ProblemKey,
  back = '/beheer',
): FastifyReply {
  return web.renderProblem(req, reply, {
    status,
    titleKey: `beheer.problem.${key}.title`,
    bodyKey: `beheer.problem.${key}.body`,
    actions: html`<p><a href="${back}">${t(web.lang(req), 'portal.back')}</a></p>`,
  });
}

export function notice(text: string | null): SafeHtml | '' {
  return text ? html`<div class="notice" role="status"><p>${text}</p></div>` : '';
}

/** The `melding` of a redirect after a change, when it is one of the page's own. */
export function melding<T extends string>(req: FastifyRequest, allowed: readonly T[]): T | null {
  const value = (req.query as Record<string, unknown>).melding;
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

export function queryValue(req: FastifyRequest, name: string, max = 200): string {
  const value = (req.query as Record<string, unknown>)[name];
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

/** A moment as the operator reads it: Dutch time, to the second ("2025-12-22 14:54:20"). */
export function formatWhen(at: Date): string {
  return formatAmsterdam(at.getTime()).slice(0, 19).replace('T', ' ');
}

/** Field id → what is wrong with it, in the page's language. */
export type FieldErrors = Record<string, string>;

/** The house style's error summary (components.ts), from beheer's errors by field id. */
export function errorSummary(lang: Lang, errors: FieldErrors): SafeHtml | '' {
  return summary(
    lang,
    Object.entries(errors).map(([id, message]) => ({ id, message })),
  );
}

/** A control of a beheer form: its name is its id, as textInput's. */
interface Control {
  name: string;
  label: string;
  lang: Lang;
  hint?: string;
  error?: string;
}

export function textarea(c: Control & { value: string; rows?: number; maxlength?: number }): SafeHtml {
  return textareaField({ ...c, id: c.name });
}

export function dateInput(c: Control & { value: string }): SafeHtml {
  return dateField({ ...c, id: c.name, required: false });
}

export function selectInput(c: Control & { value: string; options: [string, string][] }): SafeHtml {
  return selectField({ ...c, id: c.name, options: c.options.map(([value, label]) => ({ value, label })) });
}

export function fileInput(c: Control & { accept: string }): SafeHtml {
  return fileField({ ...c, id: c.name });
}

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The zorgapplicatie named by the route's :clientId; null for a malformed id or Dezi's own portal. */
export async function clientOf(db: Database, req: FastifyRequest): Promise<RegisteredClient | null> {
  const { clientId } = req.params as { clientId: string };
  if (!CLIENT_ID.test(clientId) || clientId === PORTAL_CLIENT_ID) return null;
  return getClient(db, clientId);
}
