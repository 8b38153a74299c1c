// The page shell: one layout for every page a person sees, accessible (WCAG 2.1 AA) and
// usable on a phone, with no inline script or style so that the CSP can forbid both.
import { html, type SafeHtml } from './html.ts';
import { t, type Lang } from './i18n.ts';

export interface PageOptions {
  lang: Lang;
  title: string;
  body: SafeHtml;
  /** URL of this page in the other language. */
  switchLangUrl?: string;
  proeftuin: boolean;
}

export function page(o: PageOptions): string {
  const other: Lang = o.lang === 'nl' ? 'en' : 'nl';
  return `<!DOCTYPE html>\n${html`<html lang="${o.lang}">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${o.title} · Dezi</title>
      <link rel="stylesheet" href="/static/dezi.css" />
    </head>
    <body>
      <a class="skip-link" href="#inhoud">${t(o.lang, 'skip.link')}</a>
      <header class="site-header">
        <div class="container header-row">
          <p class="brand">
            <span class="brand-name">${t(o.lang, 'site.name')}</span>
            <span class="brand-tagline">${t(o.lang, 'site.tagline')}</span>
          </p>
          ${o.switchLangUrl ? html`<a class="lang-switch" href="${o.switchLangUrl}" lang="${other}" hreflang="${other}">${t(o.lang, 'lang.switch')}</a>` : ''}
        </div>
      </header>
      <main id="inhoud" class="container" tabindex="-1">${o.body}</main>
      <footer class="site-footer">
        <div class="container">
          ${o.proeftuin ? html`<p class="proeftuin-banner">${t(o.lang, 'footer.proeftuin')}</p>` : ''}
        </div>
      </footer>
    </body>
  </html>`}\n`;
}
