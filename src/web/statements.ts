// The privacy statement and the accessibility statement (toegankelijkheidsverklaring), linked from
// every page's footer, in Dutch and English.
import type { FastifyInstance } from 'fastify';
import { html, type SafeHtml } from './html.ts';
import { t, type Lang, type MessageKey } from './i18n.ts';
import type { Web } from './web.ts';

type Section = readonly [title: MessageKey, body: MessageKey];

const PRIVACY: readonly Section[] = [
  ['privacy.what.title', 'privacy.what.body'],
  ['privacy.why.title', 'privacy.why.body'],
  ['privacy.log.title', 'privacy.log.body'],
  ['privacy.cookies.title', 'privacy.cookies.body'],
  ['privacy.rights.title', 'privacy.rights.body'],
];

const ACCESSIBILITY: readonly Section[] = [
  ['a11y.standard.title', 'a11y.standard.body'],
  ['a11y.status.title', 'a11y.status.body'],
  ['a11y.contact.title', 'a11y.contact.body'],
];

function statement(
  web: Web,
  lang: Lang,
  title: MessageKey,
  intro: MessageKey,
  sections: readonly Section[],
): SafeHtml {
  return html`<h1>${t(lang, title)}</h1>
    <p>${t(lang, intro)}</p>
    ${sections.map(
      ([h, body]) =>
        html`<h2>${t(lang, h)}</h2>
          <p>${t(lang, body)}</p>`,
    )}
    ${web.contact(lang)}`;
}

export async function statementRoutes(app: FastifyInstance, o: { web: Web }): Promise<void> {
  const { web } = o;
  app.get('/privacy', async (req, reply) => {
    const lang = web.lang(req, reply);
    return web.render(req, reply, {
      lang,
      title: t(lang, 'privacy.title'),
      body: statement(web, lang, 'privacy.title', 'privacy.intro', PRIVACY),
    });
  });
  app.get('/toegankelijkheid', async (req, reply) => {
    const lang = web.lang(req, reply);
    return web.render(req, reply, {
      lang,
      title: t(lang, 'a11y.title'),
      body: statement(web, lang, 'a11y.title', 'a11y.intro', ACCESSIBILITY),
    });
  });
}
