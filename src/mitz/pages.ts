// What MijnMitz's pages share: the language, the page frame with the citizen's navigation, a problem
// page with a way back, and a choice, its author and its moment in plain words.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, type SafeHtml } from '../web/html.ts';
import { alert, textButton } from '../web/components.ts';
import { t, type Lang, type MessageKey } from '../web/i18n.ts';
import type { Web } from '../web/web.ts';
import type { RecordedBy } from './choices.ts';
import {
  ALL,
  GEGEVENSCATEGORIEEN,
  SITUATIES,
  ZORGAANBIEDERCATEGORIEEN,
  type CategoryOrAll,
  type Gegevenscategorie,
} from './codes.ts';
import type { CitizenSession } from './citizen-sessions.ts';

/** Where MijnMitz is mounted: module.ts's MITZ_PREFIX (not imported: module.ts imports this file). */
export const PREFIX = '/mitz';

export const PATHS = {
  start: PREFIX,
  login: `${PREFIX}/inloggen`,
  callback: `${PREFIX}/inloggen/digid`,
  loginFailed: `${PREFIX}/inloggen/niet-gelukt`,
  logout: `${PREFIX}/uitloggen`,
  overview: `${PREFIX}/mijn`,
  choice: `${PREFIX}/mijn/keuze`,
  withdraw: `${PREFIX}/mijn/intrekken`,
  history: `${PREFIX}/mijn/geschiedenis`,
} as const;

/** The navigation of a logged-in citizen: their pages and logging out (a form: it changes state). */
function nav(web: Web, lang: Lang, session: CitizenSession, current: string): SafeHtml {
  const link = (href: string, key: MessageKey) =>
    html`<li><a href="${href}" ${href === current ? html`aria-current="page"` : ''}>${t(lang, key)}</a></li>`;
  return html`<nav class="dezi-subnav" aria-label="${t(lang, 'mitz.nav.label')}">
    <ul>
      ${link(PATHS.overview, 'mitz.nav.overview')} ${link(PATHS.history, 'mitz.nav.history')}
      <li>
        <form method="post" action="${PATHS.logout}">
          <input type="hidden" name="csrf" value="${web.csrfToken(session.binding)}" />
          ${textButton({ label: t(lang, 'mitz.nav.logout') })}
        </form>
      </li>
    </ul>
    <p class="utrecht-form-field-description">${t(lang, 'mitz.nav.logged_in')}</p>
  </nav>`;
}

export function renderPage(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  o: {
    lang: Lang;
    title: string;
    body: SafeHtml;
    status?: number;
    /** A form that came back with errors: "Fout:" before the title. */
    error?: boolean;
    /** Shows the citizen's navigation, with this page marked as the current one. */
    session?: { session: CitizenSession; current: string };
  },
): FastifyReply {
  return web.render(req, reply, {
    lang: o.lang,
    title: o.title,
    status: o.status,
    error: o.error,
    body: html`${o.session ? nav(web, o.lang, o.session.session, o.session.current) : ''}${o.body}`,
  });
}

/** A page that says what went wrong, in the citizen's language, with the ways on. */
export function renderProblem(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  o: { lang: Lang; status: number; title: MessageKey; body: MessageKey; actions: SafeHtml },
): FastifyReply {
  return renderPage(web, req, reply, {
    lang: o.lang,
    status: o.status,
    title: t(o.lang, o.title),
    body: html`<h1>${t(o.lang, o.title)}</h1>
      ${alert({ type: 'error', body: t(o.lang, o.body) })}
      <h2>${t(o.lang, 'problem.next')}</h2>
      ${o.actions} ${web.contact(o.lang)}`,
  });
}

const CLOCKS = {
  nl: new Intl.DateTimeFormat('nl-NL', {
    timeZone: 'Europe/Amsterdam',
    dateStyle: 'long',
    timeStyle: 'short',
  }),
  en: new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Amsterdam',
    dateStyle: 'long',
    timeStyle: 'short',
  }),
};

/** A moment as the citizen reads it: Dutch time, whatever the server's zone. */
export function when(instant: Date, lang: Lang): SafeHtml {
  return html`<time datetime="${instant.toISOString()}">${CLOCKS[lang].format(instant)}</time>`;
}

export const gegevensLabel = (g: Gegevenscategorie, lang: Lang) => GEGEVENSCATEGORIEEN[g].label[lang];

/** The providers a side of a choice names, for the middle of a sentence ("alle zorgaanbieders"). */
export function providers(side: CategoryOrAll, lang: Lang): string {
  return side === ALL ? t(lang, 'mitz.choice.all') : ZORGAANBIEDERCATEGORIEEN[side][lang];
}

export const answerWord = (permit: boolean, lang: Lang) =>
  t(lang, permit ? 'mitz.answer.ja' : 'mitz.answer.nee');

/** "Ja, voor alle zorgaanbieders", or "Keuze voor Apotheken ingetrokken". */
export function choiceLine(c: { raadpleger: CategoryOrAll; permit: boolean | null }, lang: Lang): string {
  const who = providers(c.raadpleger, lang);
  return c.permit === null
    ? t(lang, 'mitz.choice.withdrawn', { who })
    : t(lang, 'mitz.choice.line', { answer: answerWord(c.permit, lang), who });
}

/** Whose data a choice is about, when not everyone's ("Alleen gegevens bij: Ziekenhuizen …"). */
export function heldBy(c: { dossierhouder: CategoryOrAll }, lang: Lang): string | null {
  return c.dossierhouder === ALL
    ? null
    : t(lang, 'mitz.choice.held_by', { where: providers(c.dossierhouder, lang) });
}

/** A choice in words: its line, and on a line of its own whose data, when not everyone's. */
export function choiceWords(
  c: { dossierhouder: CategoryOrAll; raadpleger: CategoryOrAll; permit: boolean | null },
  lang: Lang,
): SafeHtml {
  const held = heldBy(c, lang);
  return html`${choiceLine(c, lang)}${held ? html`<br /><span class="utrecht-form-field-description">${held}</span>` : ''}`;
}

/** A message with markup in its placeholders (a <time>): the text escaped, the markup kept. */
export function tHtml(lang: Lang, key: MessageKey, vars: Record<string, string | SafeHtml>): SafeHtml {
  const parts = t(lang, key).split(/\{(\w+)\}/);
  return html`${parts.map((part, i) => (i % 2 === 0 ? part : (vars[part] ?? `{${part}}`)))}`;
}

/** Who recorded a choice: the citizen, or a named professional of a named care provider. */
export function byWhom(by: RecordedBy, lang: Lang): string {
  if (by.kind === 'citizen') return t(lang, 'mitz.by.citizen');
  return t(lang, 'mitz.by.professional', {
    naam: by.naam,
    rol: by.rolNaam,
    abonnee: by.abonneeNaam,
    knop: t(lang, by.knop === 'dossierhouder' ? 'mitz.knop.dossierhouder' : 'mitz.knop.raadpleger'),
  });
}

/** The question the professional put to the citizen, when a professional recorded the choice. */
export function questionAsked(by: RecordedBy, lang: Lang): SafeHtml | '' {
  if (by.kind === 'citizen' || !Object.hasOwn(SITUATIES, by.situatie)) return '';
  return html`<p class="utrecht-form-field-description">
    ${t(lang, 'mitz.by.question', { vraag: SITUATIES[by.situatie].vraag[lang] })}
  </p>`;
}
