// Dezi's own few pages outside any feature: the home page, the statements, the stylesheets, the favicon.
import type { DeziModule } from '../module.ts';
import { html } from './html.ts';
import { t } from './i18n.ts';
import { statementRoutes } from './statements.ts';
import { staticRoutes, type Web } from './web.ts';

export const homeModule: DeziModule<{ web: Web }> = {
  name: 'home',
  async setup({ web }) {
    return {
      routes: async (app) => {
        await app.register(staticRoutes);
        await app.register(statementRoutes, { web });
        app.get('/', async (req, reply) => {
          const lang = web.lang(req, reply);
          return web.render(req, reply, {
            lang,
            title: t(lang, 'home.title'),
            body: html`<h1>${t(lang, 'home.title')}</h1>
              <p>${t(lang, 'home.body')}</p>
              <h2>${t(lang, 'home.portals')}</h2>
              <ul>
                <li><a href="/mijn-dezi">${t(lang, 'home.mijn_dezi')}</a></li>
                <li><a href="/registreren">${t(lang, 'home.register')}</a></li>
                <li><a href="/abonnee">${t(lang, 'home.abonnee')}</a></li>
              </ul>
              <h2>${t(lang, 'home.citizens')}</h2>
              <ul>
                <li><a href="/mitz">${t(lang, 'mitz.home.link')}</a></li>
              </ul>
              ${
                web.proeftuin
                  ? html`<h2>Proeftuin</h2>
                      <ul>
                        <li><a href="/proeftuin">${t(lang, 'home.proeftuin')}</a></li>
                      </ul>`
                  : ''
              }`,
          });
        });
        app.get('/favicon.ico', async (_req, reply) =>
          reply.code(204).header('cache-control', 'public, max-age=86400').send(),
        );
      },
    };
  },
};
