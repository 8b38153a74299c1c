// The page shell: one layout for every page a person sees, in the NL Design System (the Rijkshuisstijl
// community's components and design tokens, served by Dezi itself): a skip link, a header with the
// service's name and the language switch, the content, and a footer with the servicedesk, the privacy
// statement and the accessibility statement. Accessible (WCAG 2.1 AA), usable on a phone from 360 px,
// and with no inline script or style, so that the CSP can forbid both.
import { designSystemClasses } from './design-classes.ts';
import { html, type SafeHtml } from './html.ts';
import { t, type Lang } from './i18n.ts';

/** Whom a person contacts when something does not work (configurable; proeftuin defaults). */
export interface Servicedesk {
  email: string | null;
  phone: string | null;
}

/** The stylesheets every page loads, in order: the tokens, the components, Dezi's layout glue. */
export interface Stylesheets {
  tokens: string;
  components: string;
  dezi: string;
}

export interface PageOptions {
  lang: Lang;
  title: string;
  body: SafeHtml;
  /** URL of this page in the other language. */
  switchLangUrl?: string;
  proeftuin: boolean;
  /** A form that came back with errors: the title starts with "Fout:" (WCAG 3.3.1). */
  error?: boolean;
  servicedesk?: Servicedesk;
  stylesheets?: Stylesheets;
}

/** The stylesheets' paths when no Web serves them (oidc-provider's own pages use Web's). */
export const DEFAULT_STYLESHEETS: Stylesheets = {
  tokens: '/static/nlds/design-tokens.css',
  components: '/static/nlds/components.css',
  dezi: '/static/dezi.css',
};

/** The phone number as a tel: link can dial it: digits and a leading +. */
const telHref = (phone: string) => `tel:${phone.replace(/[^0-9+]/g, '')}`;

/** "Lukt het niet? Neem contact op met de servicedesk van Dezi via …, of bel …": on every problem page. */
export function contactParagraph(lang: Lang, desk: Servicedesk | undefined): SafeHtml {
  const ways = [
    desk?.email
      ? html`<a href="mailto:${desk.email}">${t(lang, 'problem.contact_email', { email: desk.email })}</a>`
      : null,
    desk?.phone
      ? html`<a href="${telHref(desk.phone)}">${t(lang, 'problem.contact_phone', { phone: desk.phone })}</a>`
      : null,
  ].filter((w) => w !== null);
  return html`<p class="dezi-contact">
    ${t(lang, 'problem.contact')}${ways.map((w, i) => html`${i ? ', ' : ' '}${w}`)}.
  </p>`;
}

function footer(o: PageOptions): SafeHtml {
  const desk = o.servicedesk;
  return html`<footer class="rhc-page-footer utrecht-page-footer dezi-footer">
    <div class="dezi-container dezi-footer__columns">
      <section aria-labelledby="footer-servicedesk">
        <h2 id="footer-servicedesk">${t(o.lang, 'footer.servicedesk')}</h2>
        <p>${t(o.lang, 'footer.servicedesk.intro')}</p>
        <ul class="dezi-plain-list">
          ${
            desk?.email
              ? html`<li>${t(o.lang, 'footer.email')}: <a href="mailto:${desk.email}">${desk.email}</a></li>`
              : ''
          }
          ${
            desk?.phone
              ? html`<li>
                  ${t(o.lang, 'footer.phone')}: <a href="${telHref(desk.phone)}">${desk.phone}</a>
                </li>`
              : ''
          }
        </ul>
      </section>
      <nav aria-labelledby="footer-about">
        <h2 id="footer-about">${t(o.lang, 'footer.about')}</h2>
        <ul class="dezi-plain-list">
          <li><a href="/privacy">${t(o.lang, 'footer.privacy')}</a></li>
          <li><a href="/toegankelijkheid">${t(o.lang, 'footer.accessibility')}</a></li>
        </ul>
      </nav>
    </div>
    ${
      o.proeftuin
        ? html`<div class="dezi-container">
            <p class="dezi-proeftuin-banner">${t(o.lang, 'footer.proeftuin')}</p>
          </div>`
        : ''
    }
  </footer>`;
}

export function page(o: PageOptions): string {
  const other: Lang = o.lang === 'nl' ? 'en' : 'nl';
  const css = o.stylesheets ?? DEFAULT_STYLESHEETS;
  const title = o.error ? t(o.lang, 'form.error_title', { title: o.title }) : o.title;
  const shell = html`<html lang="${o.lang}">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${title} · Dezi</title>
      <link rel="stylesheet" href="${css.tokens}" />
      <link rel="stylesheet" href="${css.components}" />
      <link rel="stylesheet" href="${css.dezi}" />
    </head>
    <body class="rhc-theme utrecht-document utrecht-page-body dezi-body">
      <a class="nl-skip-link nl-skip-link--visible-on-focus" href="#inhoud">${t(o.lang, 'skip.link')}</a>
      <header class="utrecht-page-header dezi-header">
        <div class="dezi-container dezi-header__row">
          <a class="dezi-brand" href="/">
            <span class="dezi-brand__name">${t(o.lang, 'site.name')}</span>
            <span class="dezi-brand__tagline">${t(o.lang, 'site.tagline')}</span>
          </a>
          ${
            o.switchLangUrl
              ? html`<a
                  class="nl-link dezi-lang-switch"
                  href="${o.switchLangUrl}"
                  lang="${other}"
                  hreflang="${other}"
                  >${t(o.lang, 'lang.switch')}</a
                >`
              : ''
          }
        </div>
      </header>
      <main id="inhoud" class="utrecht-page-content dezi-container dezi-main" tabindex="-1">${o.body}</main>
      ${footer(o)}
    </body>
  </html>`;
  return `<!DOCTYPE html>\n${designSystemClasses(shell.value)}\n`;
}
