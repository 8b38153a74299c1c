// Self-registration: a person who logged in at LoA high with a BSN means and is not in the
// register confirms their name and receives a Dezi-nummer. In production the name would come from
// the BRP; in the proeftuin the person types it. The BSN stays sealed server-side throughout.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import { keyHash } from '../db/single-use.ts';
import { RegisterError, type Register } from '../register/register.ts';
import { html } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import type { Web } from '../web/web.ts';
import {
  button,
  buttonGroup,
  checkboxField,
  csrfField,
  errorSummary,
  field,
  linkButton,
  refuseFormPost,
  textInput,
  validPost,
  type FieldError,
} from './forms.ts';
import type { PortalLogin } from './login.ts';
import type { PendingRegistration, PortalState } from './sessions.ts';

export interface RegistrationDeps {
  issuer: string;
  db: Database;
  register: Register;
  web: Web;
  state: PortalState;
  login: PortalLogin;
}

export interface NameInput {
  voorletters: string;
  voorvoegsel: string;
  achternaam: string;
}

export type NameErrors = Partial<
  Record<
    keyof NameInput,
    | 'portal.register.error.voorletters'
    | 'portal.register.error.voorvoegsel'
    | 'portal.register.error.achternaam'
  >
>;

/** Checks and normalises a name as a person types it: "jp" → "J.P.", "Van Den" → "van den". */
export function parseName(
  input: NameInput,
):
  { name: { voorletters: string; voorvoegsel: string | null; achternaam: string } } | { errors: NameErrors } {
  const errors: NameErrors = {};
  let voorletters = input.voorletters.replace(/\s+/g, '').toUpperCase();
  if (/^\p{Lu}+$/u.test(voorletters)) voorletters = [...voorletters].map((c) => `${c}.`).join('');
  if (!/^(\p{Lu}\.){1,10}$/u.test(voorletters)) errors.voorletters = 'portal.register.error.voorletters';
  const voorvoegsel = input.voorvoegsel.replace(/\s+/g, ' ').trim().toLowerCase();
  if (voorvoegsel !== '' && !/^[\p{Ll}'’]+( [\p{Ll}'’]+){0,3}$/u.test(voorvoegsel))
    errors.voorvoegsel = 'portal.register.error.voorvoegsel';
  const achternaam = input.achternaam.replace(/\s+/g, ' ').trim();
  if (!/^\p{L}[\p{L}'’ -]{0,119}$/u.test(achternaam)) errors.achternaam = 'portal.register.error.achternaam';
  if (Object.keys(errors).length > 0) return { errors };
  return { name: { voorletters, voorvoegsel: voorvoegsel === '' ? null : voorvoegsel, achternaam } };
}

export async function registrationRoutes(app: FastifyInstance, d: RegistrationDeps): Promise<void> {
  const { web } = d;
  const binding = (p: PendingRegistration) => `registration:${keyHash(p.token)}`;

  app.get('/registreren', async (req, reply) => {
    if (await d.state.registration(req)) return reply.redirect('/registreren/gegevens', 303);
    const lang = web.lang(req, reply);
    return web.render(req, reply, {
      lang,
      title: t(lang, 'portal.register.title'),
      body: html`<h1>${t(lang, 'portal.register.title')}</h1>
        <p>${t(lang, 'portal.register.intro')}</p>
        ${buttonGroup(linkButton({ href: '/registreren/start', label: t(lang, 'portal.register.start') }))}`,
    });
  });

  app.get('/registreren/start', async (req, reply) =>
    d.login.start(reply, 'registreren', web.lang(req, reply)),
  );

  function renderForm(
    req: FastifyRequest,
    reply: FastifyReply,
    lang: Lang,
    pending: PendingRegistration,
    values: NameInput & { bevestig?: boolean },
    errors: NameErrors & { bevestig?: boolean } = {},
  ) {
    const invalid = Object.keys(errors).length > 0;
    const message = (key: keyof NameErrors) => (errors[key] ? t(lang, errors[key]) : undefined);
    const summary: FieldError[] = [
      ...(['voorletters', 'voorvoegsel', 'achternaam'] as const).flatMap((f) =>
        errors[f] ? [{ id: f, message: t(lang, errors[f]) }] : [],
      ),
      ...(errors.bevestig ? [{ id: 'bevestig', message: t(lang, 'portal.register.error.bevestig') }] : []),
    ];
    const body = html`<h1>${t(lang, 'portal.register.details.title')}</h1>
      ${errorSummary(lang, summary)}
      <p>${t(lang, 'portal.register.details.intro')}</p>
      <form method="post" action="/registreren/gegevens" novalidate>
        ${csrfField(web, binding(pending))}
        ${textInput({ name: 'voorletters', label: t(lang, 'portal.register.voorletters'), hint: t(lang, 'portal.register.voorletters.hint'), value: values.voorletters, required: true, maxlength: 30, error: message('voorletters'), lang })}
        ${textInput({ name: 'voorvoegsel', label: t(lang, 'portal.register.voorvoegsel'), hint: t(lang, 'portal.register.voorvoegsel.hint'), value: values.voorvoegsel, maxlength: 30, error: message('voorvoegsel'), lang })}
        ${textInput({ name: 'achternaam', label: t(lang, 'portal.register.achternaam'), value: values.achternaam, required: true, maxlength: 120, autocomplete: 'family-name', error: message('achternaam'), lang })}
        ${checkboxField({
          id: 'bevestig',
          name: 'bevestig',
          value: 'ja',
          label: t(lang, 'portal.register.confirm'),
          checked: Boolean(values.bevestig),
          required: true,
          error: errors.bevestig ? t(lang, 'portal.register.error.bevestig') : undefined,
          lang,
        })}
        ${buttonGroup(button({ label: t(lang, 'portal.register.submit') }))}
      </form>`;
    return web.render(req, reply.code(invalid ? 400 : 200), {
      lang,
      error: invalid,
      title: t(lang, 'portal.register.details.title'),
      body,
    });
  }

  app.get('/registreren/gegevens', async (req, reply) => {
    const pending = await d.state.registration(req);
    if (!pending) return reply.redirect('/registreren', 303);
    return renderForm(req, reply, web.lang(req, reply), pending, {
      voorletters: '',
      voorvoegsel: '',
      achternaam: '',
    });
  });

  app.post('/registreren/gegevens', async (req, reply) => {
    const pending = await d.state.registration(req);
    if (!pending)
      return web.renderProblem(req, reply, {
        status: 400,
        titleKey: 'portal.login_expired.title',
        bodyKey: 'portal.login_expired.body',
        actions: html`<p><a href="/registreren">${t(web.lang(req), 'portal.register.start')}</a></p>`,
      });
    if (!validPost(web, d.issuer, req, binding(pending))) return refuseFormPost(web, req, reply);
    const lang = web.lang(req, reply);
    const values = {
      voorletters: field(req, 'voorletters', 30),
      voorvoegsel: field(req, 'voorvoegsel', 30),
      achternaam: field(req, 'achternaam', 120),
      bevestig: field(req, 'bevestig') === 'ja',
    };
    const parsed = parseName(values);
    if ('errors' in parsed || !values.bevestig)
      return renderForm(req, reply, lang, pending, values, {
        ...('errors' in parsed ? parsed.errors : {}),
        ...(values.bevestig ? {} : { bevestig: true }),
      });

    const taken = await d.state.takeRegistration(reply, pending);
    if (!taken)
      return web.renderProblem(req, reply, {
        status: 400,
        titleKey: 'portal.login_expired.title',
        bodyKey: 'portal.login_expired.body',
      });
    let person;
    try {
      person = await d.register.registerPerson(
        { bsn: taken.bsn, ...parsed.name, loaDezi: taken.loaAuthn },
        { kind: 'system', clientId: 'dezi-portal' },
      );
    } catch (err) {
      if (!(err instanceof RegisterError)) throw err;
      await recordAudit(d.db, {
        actor: { kind: 'system', clientId: 'dezi-portal' },
        action: 'portal.self_register',
        outcome: 'failure',
        detail: { reason: err.message },
      });
      return web.renderProblem(req, reply, {
        status: 409,
        titleKey: 'portal.register.exists.title',
        bodyKey: 'portal.register.exists.body',
        actions: html`<p><a href="/mijn-dezi">${t(lang, 'portal.mijn.title')}</a></p>`,
      });
    }
    await recordAudit(d.db, {
      actor: { kind: 'person', deziNummer: person.deziNummer, clientId: 'dezi-portal' },
      action: 'portal.self_register',
      outcome: 'success',
      detail: { means: taken.meansId },
    });
    await d.state.startSession(reply, {
      personId: person.id,
      meansId: taken.meansId,
      loaAuthn: taken.loaAuthn,
    });
    return reply.redirect('/mijn-dezi?melding=geregistreerd', 303);
  });
}
