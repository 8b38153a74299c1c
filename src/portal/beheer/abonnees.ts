// Beheer: abonnees (zorgaanbieders). Find one by abonnee-nummer (URA) or name, add one, suspend one
// (which revokes every verklaring issued for it, so it is confirmed first) or activate it again. The
// register audits each change with the operator as actor; the search is audited here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../../audit/audit.ts';
import { ConflictError, RegisterError, type Abonnee } from '../../register/register.ts';
import { html } from '../../web/html.ts';
import { t, type Lang } from '../../web/i18n.ts';
import { field, textInput } from '../forms.ts';
import {
  beheerPage,
  beheerProblem,
  csrf,
  errorSummary,
  melding,
  notice,
  operatorOf,
  queryValue,
  type BeheerDeps,
  type FieldErrors,
} from './shared.ts';

const NOTICES = ['toegevoegd', 'geschorst', 'geactiveerd'] as const;
const URA = /^[0-9]{8}$/;

interface NewAbonneeInput {
  nummer: string;
  naam: string;
  kvk: string;
  agb: string;
}

const EMPTY: NewAbonneeInput = { nummer: '', naam: '', kvk: '', agb: '' };

function checkNew(lang: Lang, input: NewAbonneeInput): FieldErrors {
  const errors: FieldErrors = {};
  if (!URA.test(input.nummer)) errors.nummer = t(lang, 'beheer.abonnee.error.nummer');
  if (input.naam === '' || input.naam.length > 200 || /\p{Cc}/u.test(input.naam))
    errors.naam = t(lang, 'beheer.abonnee.error.naam');
  if (!/^[0-9]{8}$/.test(input.kvk)) errors.kvk = t(lang, 'beheer.abonnee.error.kvk');
  if (input.agb !== '' && !/^[0-9]{8}$/.test(input.agb)) errors.agb = t(lang, 'beheer.abonnee.error.agb');
  return errors;
}

export async function abonneeRoutes(app: FastifyInstance, d: BeheerDeps): Promise<void> {
  const { web } = d;

  async function listPage(
    req: FastifyRequest,
    reply: FastifyReply,
    o: { query: string; input?: NewAbonneeInput; errors?: FieldErrors; status?: number },
  ) {
    const lang = web.lang(req, reply);
    const { actor } = operatorOf(req);
    const found = await d.register.searchAbonnees(o.query);
    // Not paying never blocks a login (care first): here is where the operator sees it.
    const overdue = new Set((await d.fees.list({ status: 'overdue' })).map((i) => i.abonneeNummer));
    await recordAudit(d.db, {
      actor,
      action: 'beheer.abonnee.search',
      outcome: 'success',
      detail: { query: o.query, results: found.length },
    });
    const errors = o.errors ?? {};
    const input = o.input ?? EMPTY;
    const shown = melding(req, NOTICES);
    const row = (a: Abonnee) =>
      html`<tr>
        <td><code>${a.abonneeNummer}</code></td>
        <td>${a.naam}</td>
        <td>${a.kvk ?? ''}</td>
        <td>${a.agb ?? ''}</td>
        <td>${t(lang, `register.status.${a.status}`)}</td>
        <td>
          ${
            a.status === 'active'
              ? html`<form
                  method="post"
                  action="/beheer/abonnees/${a.abonneeNummer}/schorsen"
                  class="inline-form"
                >
                  ${csrf(web, req)}
                  <button class="link-button" type="submit">
                    ${t(lang, 'beheer.abonnee.suspend', { naam: a.naam })}
                  </button>
                </form>`
              : a.status === 'suspended'
                ? html`<form
                    method="post"
                    action="/beheer/abonnees/${a.abonneeNummer}/activeren"
                    class="inline-form"
                  >
                    ${csrf(web, req)}
                    <button class="link-button" type="submit">
                      ${t(lang, 'beheer.abonnee.activate', { naam: a.naam })}
                    </button>
                  </form>`
                : ''
          }
          <a href="/beheer/audit?abonnee=${a.abonneeNummer}"
            >${t(lang, 'beheer.abonnee.audit', { naam: a.naam })}</a
          >
          <a href="/beheer/facturen?abonnee=${a.abonneeNummer}"
            >${t(lang, 'beheer.abonnee.invoices', { naam: a.naam })}</a
          >
          ${overdue.has(a.abonneeNummer) ? html`<strong>${t(lang, 'beheer.abonnee.overdue')}</strong>` : ''}
        </td>
      </tr>`;
    return beheerPage(web, req, reply, {
      title: t(lang, 'beheer.abonnee.title'),
      section: 'abonnees',
      status: o.status,
      hasErrors: Object.keys(errors).length > 0,
      body: html`<h1>${t(lang, 'beheer.abonnee.title')}</h1>
        ${errorSummary(lang, errors)} ${notice(shown ? t(lang, `beheer.abonnee.notice.${shown}`) : null)}
        <form method="get" action="/beheer/abonnees" role="search">
          ${textInput({ lang, name: 'q', label: t(lang, 'beheer.abonnee.search'), hint: t(lang, 'beheer.abonnee.search.hint'), value: o.query, maxlength: 100, autocomplete: 'off' })}
          <button class="button" type="submit">${t(lang, 'beheer.search')}</button>
        </form>

        <h2 id="abonnees-gevonden">${t(lang, 'beheer.abonnee.found', { n: String(found.length) })}</h2>
        ${
          found.length === 0
            ? html`<p>${t(lang, 'beheer.abonnee.none')}</p>`
            : html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="abonnees-gevonden">
                <table>
                  <caption>
                    ${t(lang, 'beheer.abonnee.caption')}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">${t(lang, 'beheer.abonnee.nummer')}</th>
                      <th scope="col">${t(lang, 'beheer.abonnee.naam')}</th>
                      <th scope="col">${t(lang, 'beheer.abonnee.kvk')}</th>
                      <th scope="col">${t(lang, 'beheer.abonnee.agb')}</th>
                      <th scope="col">${t(lang, 'portal.status')}</th>
                      <th scope="col">${t(lang, 'beheer.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${found.map(row)}
                  </tbody>
                </table>
              </div>`
        }

        <h2 id="nieuw">${t(lang, 'beheer.abonnee.add')}</h2>
        <form method="post" action="/beheer/abonnees/nieuw">
          ${csrf(web, req)}
          ${textInput({ lang, name: 'nummer', label: t(lang, 'beheer.abonnee.nummer'), hint: t(lang, 'beheer.abonnee.nummer.hint'), value: input.nummer, error: errors.nummer, maxlength: 8, autocomplete: 'off', required: true })}
          ${textInput({ lang, name: 'naam', label: t(lang, 'beheer.abonnee.naam'), value: input.naam, error: errors.naam, maxlength: 200, autocomplete: 'organization', required: true })}
          ${textInput({ lang, name: 'kvk', label: t(lang, 'beheer.abonnee.kvk'), hint: t(lang, 'beheer.abonnee.kvk.hint'), value: input.kvk, error: errors.kvk, maxlength: 8, autocomplete: 'off', required: true })}
          ${textInput({ lang, name: 'agb', label: t(lang, 'beheer.abonnee.agb_optional'), hint: t(lang, 'beheer.abonnee.agb.hint'), value: input.agb, error: errors.agb, maxlength: 8, autocomplete: 'off' })}
          <button class="button" type="submit">${t(lang, 'beheer.abonnee.add.submit')}</button>
        </form>`,
    });
  }

  app.get('/beheer/abonnees', async (req, reply) =>
    listPage(req, reply, { query: queryValue(req, 'q', 100) }),
  );

  app.post('/beheer/abonnees/nieuw', async (req, reply) => {
    const lang = web.lang(req, reply);
    const input: NewAbonneeInput = {
      nummer: field(req, 'nummer', 8),
      naam: field(req, 'naam', 200),
      kvk: field(req, 'kvk', 8),
      agb: field(req, 'agb', 8),
    };
    const errors = checkNew(lang, input);
    if (Object.keys(errors).length === 0) {
      try {
        await d.register.createAbonnee(
          { abonneeNummer: input.nummer, naam: input.naam, kvk: input.kvk, agb: input.agb || null },
          operatorOf(req).actor,
        );
        return reply.redirect(`/beheer/abonnees?q=${input.nummer}&melding=toegevoegd`, 303);
      } catch (err) {
        if (err instanceof ConflictError) errors.nummer = t(lang, 'beheer.abonnee.error.exists');
        else if (err instanceof RegisterError) errors.naam = t(lang, 'beheer.abonnee.error.naam');
        else throw err;
      }
    }
    return listPage(req, reply, { query: '', input, errors, status: 400 });
  });

  async function abonneeOf(req: FastifyRequest): Promise<Abonnee | null> {
    const { nummer } = req.params as { nummer: string };
    return URA.test(nummer) ? d.register.findAbonnee(nummer) : null;
  }

  app.post('/beheer/abonnees/:nummer/schorsen', async (req, reply) => {
    const abonnee = await abonneeOf(req);
    if (!abonnee) return beheerProblem(web, req, reply, 404, 'not_found', '/beheer/abonnees');
    const lang = web.lang(req, reply);
    if (field(req, 'bevestigd', 2) !== 'ja') {
      // Suspending revokes every verklaring issued for the abonnee at once: asked first (WCAG 3.3.4).
      return beheerPage(web, req, reply, {
        title: t(lang, 'beheer.abonnee.suspend.confirm_title'),
        section: 'abonnees',
        body: html`<h1>${t(lang, 'beheer.abonnee.suspend.confirm_title')}</h1>
          <p>
            ${t(lang, 'beheer.abonnee.suspend.confirm', { naam: abonnee.naam, nummer: abonnee.abonneeNummer })}
          </p>
          <form method="post" action="/beheer/abonnees/${abonnee.abonneeNummer}/schorsen">
            ${csrf(web, req)}
            <input type="hidden" name="bevestigd" value="ja" />
            <button class="button" type="submit">${t(lang, 'beheer.abonnee.suspend.yes')}</button>
          </form>
          <p><a href="/beheer/abonnees?q=${abonnee.abonneeNummer}">${t(lang, 'beheer.cancel')}</a></p>`,
      });
    }
    await d.register.setAbonneeStatus(abonnee.id, 'suspended', operatorOf(req).actor);
    return reply.redirect(`/beheer/abonnees?q=${abonnee.abonneeNummer}&melding=geschorst`, 303);
  });

  app.post('/beheer/abonnees/:nummer/activeren', async (req, reply) => {
    const abonnee = await abonneeOf(req);
    if (!abonnee) return beheerProblem(web, req, reply, 404, 'not_found', '/beheer/abonnees');
    if (abonnee.status === 'ended') return beheerProblem(web, req, reply, 409, 'refused', '/beheer/abonnees');
    await d.register.setAbonneeStatus(abonnee.id, 'active', operatorOf(req).actor);
    return reply.redirect(`/beheer/abonnees?q=${abonnee.abonneeNummer}&melding=geactiveerd`, 303);
  });
}
