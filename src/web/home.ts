// Dezi's own few pages outside any feature: the home page, the stylesheet, the favicon.
import type { DeziModule } from '../module.ts';
import { html } from './html.ts';
import { t } from './i18n.ts';
import { staticRoutes, type Web } from './web.ts';

export const homeModule: DeziModule<{ web: Web }> = {
  name: 'home',
  async setup({ web }) {
    return {
      routes: async (app) => {
        await app.register(staticRoutes);
        app.get('/', async (req, reply) => {
          const lang = web.lang(req, reply);
          return web.render(req, reply, {
            lang,
            title: t(lang, 'home.title'),
            body: html`<h1>${t(lang, 'home.title')}</h1>
              <p>${t(lang, 'home.body')}</p>
              <p><a href="/mitz">${t(lang, 'mitz.home.link')}</a></p>
              ${web.proeftuin ? html`<p><a href="/proeftuin">Proeftuin</a></p>` : ''}`,
          });
        });
        app.get('/favicon.ico', async (_req, reply) =>
          reply.code(204).header('cache-control', 'public, max-age=86400').send(),
        );
      },
    };
  },
};
