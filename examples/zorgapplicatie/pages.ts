// The example's pages, Dutch first and English on request. Every interpolated value is escaped
// unless it is already Html: claims come from outside and must not be able to inject markup.
import type { VerifiedUserinfo } from './verklaring.ts';

export type Lang = 'nl' | 'en';

export class Html {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
}

type Value = Html | string | number | null | undefined | Value[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function render(v: Value): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return String(v).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  return new Html(strings.reduce((out, s, i) => out + render(values[i - 1]) + s));
}

const APP_NAME = 'Voorbeeld-zorgapplicatie';

function layout(lang: Lang, title: string, body: Html): string {
  const other: Lang = lang === 'nl' ? 'en' : 'nl';
  return `<!doctype html>${render(
    html` <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} – ${APP_NAME}</title>
        <link rel="stylesheet" href="/style.css" />
      </head>
      <body>
        <a class="skip" href="#inhoud">${lang === 'nl' ? 'Naar de inhoud' : 'Skip to content'}</a>
        <header>
          <p class="brand">${APP_NAME}</p>
          <nav aria-label="${lang === 'nl' ? 'Taal' : 'Language'}">
            <a href="/?lang=${other}" lang="${other}" hreflang="${other}"
              >${other === 'en' ? 'English' : 'Nederlands'}</a
            >
          </nav>
        </header>
        <main id="inhoud">${body}</main>
        <footer>
          <p>
            ${
              lang === 'nl'
                ? 'Een voorbeeld van een zorgapplicatie die inlogt met Dezi. Alleen voor de proeftuin: gebruik testgegevens.'
                : 'An example health-care application that logs in with Dezi. For the proeftuin only: use test data.'
            }
          </p>
        </footer>
      </body>
    </html>`,
  )}\n`;
}

function loginForm(lang: Lang, label: string, again = false): Html {
  return html`<form method="post" action="/login">
    <input type="hidden" name="lang" value="${lang}" />
    ${again ? html`<input type="hidden" name="prompt" value="login" />` : ''}
    <button class="button" type="submit">${label}</button>
  </form>`;
}

export function homePage(lang: Lang, issuer: string, connected: boolean): string {
  const nl = lang === 'nl';
  const body = html`<h1>
      ${nl ? 'Welkom bij de voorbeeld-zorgapplicatie' : 'Welcome to the example health-care application'}
    </h1>
    <p>
      ${
        nl
          ? 'Deze applicatie laat zien hoe een zorgapplicatie een zorgmedewerker laat inloggen met Dezi, en hoe zij de Dezi-verklaring controleert: wie u bent, waar u werkt en wat u bent.'
          : 'This application shows how a health-care application lets a care worker log in with Dezi, and how it verifies the Dezi-verklaring: who you are, where you work and what you are.'
      }
    </p>
    ${
      connected
        ? ''
        : html`<div class="notice notice-warning" role="status">
            <p>
              ${
                nl
                  ? `Dezi (${issuer}) is nog niet bereikbaar. Start Dezi en probeer het dan opnieuw.`
                  : `Dezi (${issuer}) cannot be reached yet. Start Dezi and try again.`
              }
            </p>
          </div>`
    }
    ${loginForm(lang, nl ? 'Inloggen met Dezi' : 'Log in with Dezi')}
    <p class="hint">
      ${nl ? 'Testpersonen en hun BSN’s staan op de ' : 'Test persons and their BSNs are on the '}<a
        href="${issuer}/proeftuin"
        >${nl ? 'proeftuinpagina van Dezi' : 'Dezi proeftuin page'}</a
      >.
    </p>`;
  return layout(lang, nl ? 'Inloggen' : 'Log in', body);
}

export interface LoginResult {
  userinfo: VerifiedUserinfo;
  acr: string | undefined;
}

const LOA_NAMES: Record<string, [string, string]> = {
  'http://eidas.europa.eu/LoA/low': ['laag', 'low'],
  'http://eidas.europa.eu/LoA/substantial': ['substantieel', 'substantial'],
  'http://eidas.europa.eu/LoA/high': ['hoog', 'high'],
};

function loa(lang: Lang, uri: string | undefined): Html {
  if (!uri) return html`<span class="none">${lang === 'nl' ? 'niet opgegeven' : 'not given'}</span>`;
  const name = LOA_NAMES[uri]?.[lang === 'nl' ? 0 : 1];
  return name ? html`${name} <span class="uri">(${uri})</span>` : html`<span class="uri">${uri}</span>`;
}

function value(lang: Lang, v: string | null): Html {
  return v === null ? html`<span class="none">${lang === 'nl' ? 'geen' : 'none'}</span>` : html`${v}`;
}

function date(lang: Lang, seconds: number): string {
  return new Date(seconds * 1000).toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Europe/Amsterdam',
  });
}

function list(rows: [string, Html | string][]): Html {
  return html`<dl>
    ${rows.map(
      ([term, v]) =>
        html`<dt>${term}</dt>
          <dd>${v}</dd>`,
    )}
  </dl>`;
}

export function resultPage(lang: Lang, r: LoginResult): string {
  const nl = lang === 'nl';
  const v = r.userinfo.verklaring;
  const status: Record<string, [string, string]> = {
    actief: ['geldig', 'valid'],
    ingetrokken: ['ingetrokken', 'revoked'],
    verlopen: ['verlopen', 'expired'],
  };
  const statusText =
    r.userinfo.status === null
      ? html`<span class="none"
          >${nl ? 'onbekend (niet op te halen)' : 'unknown (could not be fetched)'}</span
        >`
      : html`${status[r.userinfo.status]?.[nl ? 0 : 1] ?? r.userinfo.status}`;
  const warning =
    r.userinfo.status === 'actief'
      ? ''
      : html`<div class="notice notice-warning" role="status">
          <p>
            ${
              nl
                ? 'Dezi meldt deze verklaring niet als geldig. Een echte zorgapplicatie geeft dan geen toegang.'
                : 'Dezi does not report this verklaring as valid. A real application would not grant access.'
            }
          </p>
        </div>`;

  const body = html`<h1>${nl ? 'U bent ingelogd' : 'You are logged in'}</h1>
    <p>
      ${nl ? 'Dezi heeft het volgende over u verklaard. Alle handtekeningen zijn gecontroleerd.' : 'Dezi has declared the following about you. All signatures have been verified.'}
    </p>
    ${warning}
    <section aria-labelledby="wie">
      <h2 id="wie">${nl ? 'Wie' : 'Who'}</h2>
      ${list([
        [nl ? 'Dezi-nummer' : 'Dezi number', v.dezi_nummer],
        [nl ? 'Voorletters' : 'Initials', value(lang, v.voorletters)],
        [nl ? 'Voorvoegsel' : 'Name prefix', value(lang, v.voorvoegsel)],
        [nl ? 'Achternaam' : 'Surname', v.achternaam],
      ])}
    </section>
    <section aria-labelledby="waar">
      <h2 id="waar">${nl ? 'Waar' : 'Where'}</h2>
      ${list([
        [nl ? 'Abonneenummer (URA)' : 'Subscriber number (URA)', v.abonnee_nummer],
        [nl ? 'Abonnee' : 'Subscriber', v.abonnee_naam],
      ])}
    </section>
    <section aria-labelledby="wat">
      <h2 id="wat">${nl ? 'Wat' : 'What'}</h2>
      ${list([
        [nl ? 'Rolcode' : 'Role code', value(lang, v.rol_code)],
        [nl ? 'Rol' : 'Role', value(lang, v.rol_naam)],
        [nl ? 'Bron van de rol' : 'Source of the role', value(lang, v.rol_code_bron)],
      ])}
    </section>
    <section aria-labelledby="betrouwbaarheid">
      <h2 id="betrouwbaarheid">${nl ? 'Betrouwbaarheid' : 'Level of assurance'}</h2>
      ${list([
        [
          nl ? 'Inlogmiddel van vandaag (loa_authn)' : 'Today’s login means (loa_authn)',
          loa(lang, r.userinfo.loaAuthn),
        ],
        [
          nl ? 'Identiteit bij registratie (loa_dezi)' : 'Identity at registration (loa_dezi)',
          loa(lang, v.loa_dezi),
        ],
        [nl ? 'ID-token (acr)' : 'ID token (acr)', loa(lang, r.acr)],
      ])}
    </section>
    <section aria-labelledby="verklaring">
      <h2 id="verklaring">${nl ? 'Verklaring' : 'Verklaring'}</h2>
      ${list([
        ['verklaring_id', html`<code>${v.verklaring_id}</code>`],
        ['Status', statusText],
        [nl ? 'Geldig van' : 'Valid from', date(lang, v.nbf)],
        [nl ? 'Geldig tot' : 'Valid until', date(lang, v.exp)],
        [
          nl ? 'Pseudoniem voor deze applicatie (sub)' : 'Pseudonym for this application (sub)',
          html`<code>${r.userinfo.sub}</code>`,
        ],
      ])}
    </section>
    <div class="actions">
      ${loginForm(lang, nl ? 'Opnieuw inloggen' : 'Log in again', true)}
      <form method="post" action="/logout">
        <button class="button button-secondary" type="submit">${nl ? 'Uitloggen' : 'Log out'}</button>
      </form>
    </div>`;
  return layout(lang, nl ? 'Ingelogd' : 'Logged in', body);
}

export interface ErrorInfo {
  title: [string, string];
  message: [string, string];
  /** Extra detail, e.g. an error code from Dezi; shown as is. */
  detail?: string;
}

export function errorPage(lang: Lang, e: ErrorInfo): string {
  const i = lang === 'nl' ? 0 : 1;
  const body = html`<h1>${e.title[i]}</h1>
    <div class="notice notice-error" role="alert"><p>${e.message[i]}</p></div>
    ${e.detail ? html`<p>${lang === 'nl' ? 'Melding' : 'Message'}: <code>${e.detail}</code></p>` : ''}
    <p>
      <a href="/?lang=${lang}">${lang === 'nl' ? 'Terug naar de startpagina' : 'Back to the start page'}</a>
    </p>`;
  return layout(lang, e.title[i], body);
}
