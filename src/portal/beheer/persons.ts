// Beheer: persons (zorgmedewerkers). Found by Dezi-nummer or name, never by BSN, and no page shows a
// BSN. The search is a post, so that what the operator types (nine digits might be a BSN typed by
// mistake) never lands in a URL or an access log; nine digits that are no Dezi-nummer are not shown
// back. On a person's page: their names, employments and linked means; suspend (which revokes their
// verklaringen, so it is confirmed first), activate, and record a name change (from the BRP). The
// register audits each read and change with the operator as actor; the search is audited here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../../audit/audit.ts';
import { isLoa, loaLabel } from '../../means/loa.ts';
import { ConflictError, type Person } from '../../register/register.ts';
import { html } from '../../web/html.ts';
import { t, type Lang } from '../../web/i18n.ts';
import { field, textInput } from '../forms.ts';
import { fullName } from '../mijn-dezi.ts';
import { parseName, type NameInput } from '../registration.ts';
import {
  beheerPage,
  beheerProblem,
  csrf,
  errorSummary,
  formatWhen,
  melding,
  notice,
  operatorOf,
  type BeheerDeps,
  type FieldErrors,
} from './shared.ts';

const DEZI_NUMMER = /^[0-9]{9}$/;
/** A name as typed to search: letters, spaces, dots, apostrophes, hyphens; no digits. */
const NAME_QUERY = /^[\p{L}][\p{L} .'’-]{1,99}$/u;
const NOTICES = ['geschorst', 'geactiveerd', 'hernoemd'] as const;

export async function personRoutes(app: FastifyInstance, d: BeheerDeps): Promise<void> {
  const { web } = d;

  function searchPage(
    req: FastifyRequest,
    reply: FastifyReply,
    o: { query: string; error?: string; results?: Person[]; status?: number },
  ) {
    const lang = web.lang(req, reply);
    const errors: FieldErrors = o.error ? { q: o.error } : {};
    const results = o.results;
    return beheerPage(web, req, reply, {
      title: t(lang, 'beheer.person.title'),
      section: 'personen',
      status: o.status,
      hasErrors: o.error !== undefined,
      body: html`<h1>${t(lang, 'beheer.person.title')}</h1>
        ${errorSummary(lang, errors)}
        <p>${t(lang, 'beheer.person.intro')}</p>
        <form method="post" action="/beheer/personen/zoeken" role="search">
          ${csrf(web, req)}
          ${textInput({ lang, name: 'q', label: t(lang, 'beheer.person.search'), hint: t(lang, 'beheer.person.search.hint'), value: o.query, error: o.error, maxlength: 100, autocomplete: 'off' })}
          <button class="button" type="submit">${t(lang, 'beheer.search')}</button>
        </form>
        ${
          results === undefined
            ? ''
            : html`<h2 id="personen-gevonden">
                  ${t(lang, 'beheer.person.found', { n: String(results.length) })}
                </h2>
                ${
                  results.length === 0
                    ? html`<p>${t(lang, 'beheer.person.none')}</p>`
                    : html`<div
                        class="table-wrap"
                        tabindex="0"
                        role="region"
                        aria-labelledby="personen-gevonden"
                      >
                        <table>
                          <caption>
                            ${t(lang, 'beheer.person.caption')}
                          </caption>
                          <thead>
                            <tr>
                              <th scope="col">${t(lang, 'portal.mijn.dezi_nummer')}</th>
                              <th scope="col">${t(lang, 'portal.mijn.name')}</th>
                              <th scope="col">${t(lang, 'portal.status')}</th>
                            </tr>
                          </thead>
                          <tbody>
                            ${results.map(
                              (p) =>
                                html`<tr>
                                  <td><a href="/beheer/personen/${p.deziNummer}">${p.deziNummer}</a></td>
                                  <td>${fullName(p)}</td>
                                  <td>${t(lang, `register.status.${p.status}`)}</td>
                                </tr>`,
                            )}
                          </tbody>
                        </table>
                      </div>`
                }`
        }`,
    });
  }

  app.get('/beheer/personen', async (req, reply) => searchPage(req, reply, { query: '' }));

  app.post('/beheer/personen/zoeken', async (req, reply) => {
    const lang = web.lang(req, reply);
    const query = field(req, 'q', 100).replace(/\s+/g, ' ');
    const byNummer = DEZI_NUMMER.test(query);
    if (!byNummer && !NAME_QUERY.test(query))
      // Digits that are not nine, or a name with digits: not shown back (it might hold a BSN).
      return searchPage(req, reply, {
        query: /[0-9]/.test(query) ? '' : query,
        error: t(lang, 'beheer.person.error.query'),
        status: 400,
      });
    const results = await d.register.searchPersons(query);
    await recordAudit(d.db, {
      actor: operatorOf(req).actor,
      action: 'beheer.person.search',
      outcome: 'success',
      // A Dezi-nummer only when it is one: nine digits that match nobody might be a BSN typed by mistake.
      detail: {
        by: byNummer ? 'dezi_nummer' : 'name',
        query: byNummer ? (results.length ? query : null) : query,
        results: results.length,
      },
    });
    return searchPage(req, reply, { query: byNummer && results.length === 0 ? '' : query, results });
  });

  /** The person of the path, read as the operator (audited by the register); null when unknown. */
  async function personOf(req: FastifyRequest): Promise<Person | null> {
    const { deziNummer } = req.params as { deziNummer: string };
    if (!DEZI_NUMMER.test(deziNummer)) return null;
    return d.register.findPersonByDeziNummer(deziNummer, operatorOf(req).actor);
  }

  async function personPage(
    req: FastifyRequest,
    reply: FastifyReply,
    person: Person,
    o: { name?: NameInput; errors?: FieldErrors; status?: number } = {},
  ) {
    const lang: Lang = web.lang(req, reply);
    const [names, employments, linked] = await Promise.all([
      d.register.nameHistory(person.id),
      d.register.employmentsOfPerson(person.id),
      d.register.listLinkedMeans(person.id),
    ]);
    const errors = o.errors ?? {};
    const name = o.name ?? {
      voorletters: person.voorletters,
      voorvoegsel: person.voorvoegsel ?? '',
      achternaam: person.achternaam,
    };
    const shown = melding(req, NOTICES);
    const base = `/beheer/personen/${person.deziNummer}`;
    const self = operatorOf(req).person.id === person.id;
    const meansName = (id: string) => d.means.get(id)?.displayName[lang] ?? id;
    const loa = isLoa(person.loaDezi) ? loaLabel(person.loaDezi) : null;
    return beheerPage(web, req, reply, {
      title: fullName(person),
      section: 'personen',
      status: o.status,
      hasErrors: Object.keys(errors).length > 0,
      body: html`<h1>${fullName(person)}</h1>
        ${errorSummary(lang, errors)} ${notice(shown ? t(lang, `beheer.person.notice.${shown}`) : null)}
        <dl class="facts">
          <dt>${t(lang, 'portal.mijn.dezi_nummer')}</dt>
          <dd><code>${person.deziNummer}</code></dd>
          <dt>${t(lang, 'portal.status')}</dt>
          <dd>${t(lang, `register.status.${person.status}`)}</dd>
          ${
            loa
              ? html`<dt>${t(lang, 'beheer.person.loa')}</dt>
                  <dd>${t(lang, `loa.${loa}`)}</dd>`
              : ''
          }
        </dl>
        <p><a href="/beheer/audit?person=${person.deziNummer}">${t(lang, 'beheer.person.audit')}</a></p>

        <h2>${t(lang, 'beheer.person.status')}</h2>
        ${
          person.status === 'active'
            ? self
              ? html`<p>${t(lang, 'beheer.person.not_self')}</p>`
              : html`<form method="post" action="${base}/schorsen">
                  ${csrf(web, req)}
                  <button class="button" type="submit">${t(lang, 'beheer.person.suspend')}</button>
                </form>`
            : person.status === 'suspended'
              ? html`<form method="post" action="${base}/activeren">
                  ${csrf(web, req)}
                  <button class="button" type="submit">${t(lang, 'beheer.person.activate')}</button>
                </form>`
              : html`<p>${t(lang, 'beheer.person.final')}</p>`
        }

        <h2 id="naamwijziging">${t(lang, 'beheer.person.rename')}</h2>
        <p>${t(lang, 'beheer.person.rename.intro')}</p>
        <form method="post" action="${base}/naam">
          ${csrf(web, req)}
          ${textInput({ lang, name: 'voorletters', label: t(lang, 'portal.register.voorletters'), value: name.voorletters, error: errors.voorletters, maxlength: 30, autocomplete: 'off', required: true })}
          ${textInput({ lang, name: 'voorvoegsel', label: t(lang, 'portal.register.voorvoegsel'), value: name.voorvoegsel, error: errors.voorvoegsel, maxlength: 30, autocomplete: 'off' })}
          ${textInput({ lang, name: 'achternaam', label: t(lang, 'portal.register.achternaam'), value: name.achternaam, error: errors.achternaam, maxlength: 120, autocomplete: 'off', required: true })}
          <button class="button" type="submit">${t(lang, 'beheer.person.rename.submit')}</button>
        </form>

        <h2 id="namen">${t(lang, 'beheer.person.names')}</h2>
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="namen">
          <table>
            <caption>
              ${t(lang, 'beheer.person.names.caption')}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t(lang, 'portal.mijn.name')}</th>
                <th scope="col">${t(lang, 'beheer.person.names.until')}</th>
                <th scope="col">${t(lang, 'beheer.person.names.by')}</th>
              </tr>
            </thead>
            <tbody>
              ${names.map(
                (n) =>
                  html`<tr>
                    <td>${fullName(n)}</td>
                    <td>${n.until ? formatWhen(n.until) : t(lang, 'beheer.person.names.current')}</td>
                    <td>${n.changedBy ? html`<code>${n.changedBy}</code>` : ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>

        <h2 id="werkgevers">${t(lang, 'beheer.person.employments')}</h2>
        ${
          employments.length === 0
            ? html`<p>${t(lang, 'beheer.person.no_employments')}</p>`
            : html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="werkgevers">
                <table>
                  <caption>
                    ${t(lang, 'beheer.person.employments.caption')}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">${t(lang, 'portal.abonnee')}</th>
                      <th scope="col">${t(lang, 'portal.role')}</th>
                      <th scope="col">${t(lang, 'portal.status')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${employments.map(
                      (e) =>
                        html`<tr>
                          <td>
                            ${e.abonnee.naam} <span class="hint">(URA ${e.abonnee.abonneeNummer})</span>
                          </td>
                          <td>${e.rolNaam ? `${e.rolNaam} (${e.rolCode})` : t(lang, 'choose.norole')}</td>
                          <td>${t(lang, `register.status.${e.status}`)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }

        <h2>${t(lang, 'beheer.person.means')}</h2>
        ${
          linked.length === 0
            ? html`<p>${t(lang, 'beheer.person.no_means')}</p>`
            : html`<ul>
                ${linked.map((m) => html`<li>${meansName(m.meansId)}</li>`)}
              </ul>`
        }
        <p><a href="/beheer/personen">${t(lang, 'beheer.person.other')}</a></p>`,
    });
  }

  app.get('/beheer/personen/:deziNummer', async (req, reply) => {
    const person = await personOf(req);
    if (!person) return beheerProblem(web, req, reply, 404, 'not_found', '/beheer/personen');
    return personPage(req, reply, person);
  });

  app.post('/beheer/personen/:deziNummer/schorsen', async (req, reply) => {
    const person = await personOf(req);
    if (!person) return beheerProblem(web, req, reply, 404, 'not_found', '/beheer/personen');
    const { actor, person: me } = operatorOf(req);
    // An operator who suspends themself would lose beheer mid-task; another operator can do it.
    if (person.id === me.id)
      return beheerProblem(web, req, reply, 409, 'refused', `/beheer/personen/${person.deziNummer}`);
    const lang = web.lang(req, reply);
    if (field(req, 'bevestigd', 2) !== 'ja') {
      // Suspending revokes every verklaring of the person at once: asked first (WCAG 3.3.4).
      return beheerPage(web, req, reply, {
        title: t(lang, 'beheer.person.suspend.confirm_title'),
        section: 'personen',
        body: html`<h1>${t(lang, 'beheer.person.suspend.confirm_title')}</h1>
          <p>
            ${t(lang, 'beheer.person.suspend.confirm', { naam: fullName(person), dezi: person.deziNummer })}
          </p>
          <form method="post" action="/beheer/personen/${person.deziNummer}/schorsen">
            ${csrf(web, req)}
            <input type="hidden" name="bevestigd" value="ja" />
            <button class="button" type="submit">${t(lang, 'beheer.person.suspend.yes')}</button>
          </form>
          <p><a href="/beheer/personen/${person.deziNummer}">${t(lang, 'beheer.cancel')}</a></p>`,
      });
    }
    try {
      await d.register.setPersonStatus(person.id, 'suspended', actor);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      return beheerProblem(web, req, reply, 409, 'refused', `/beheer/personen/${person.deziNummer}`);
    }
    return reply.redirect(`/beheer/personen/${person.deziNummer}?melding=geschorst`, 303);
  });

  app.post('/beheer/personen/:deziNummer/activeren', async (req, reply) => {
    const person = await personOf(req);
    if (!person) return beheerProblem(web, req, reply, 404, 'not_found', '/beheer/personen');
    try {
      await d.register.setPersonStatus(person.id, 'active', operatorOf(req).actor);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      return beheerProblem(web, req, reply, 409, 'refused', `/beheer/personen/${person.deziNummer}`);
    }
    return reply.redirect(`/beheer/personen/${person.deziNummer}?melding=geactiveerd`, 303);
  });

  app.post('/beheer/personen/:deziNummer/naam', async (req, reply) => {
    const person = await personOf(req);
    if (!person) return beheerProblem(web, req, reply, 404, 'not_found', '/beheer/personen');
    const lang = web.lang(req, reply);
    const input: NameInput = {
      voorletters: field(req, 'voorletters', 30),
      voorvoegsel: field(req, 'voorvoegsel', 30),
      achternaam: field(req, 'achternaam', 120),
    };
    const parsed = parseName(input);
    if ('errors' in parsed) {
      const errors: FieldErrors = {};
      for (const [name, key] of Object.entries(parsed.errors)) errors[name] = t(lang, key);
      return personPage(req, reply, person, { name: input, errors, status: 400 });
    }
    await d.register.changeName(person.id, parsed.name, operatorOf(req).actor);
    return reply.redirect(`/beheer/personen/${person.deziNummer}?melding=hernoemd`, 303);
  });
}
