// Linking and unlinking a login means in Mijn Dezi, each with a step of its own first:
//  - "Welk inlogmiddel wilt u koppelen?": the means that can be linked (enabled, at level high, not
//    one that finds the person through the register anyway, like DigiD and the UZI-pas), those
//    already linked marked; choosing one starts the login with it offered first;
//  - unlinking asks for confirmation on a page that names the means.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LOA, meetsLoa } from '../means/loa.ts';
import type { LoginMeans } from '../means/means.ts';
import type { MeansRegistry } from '../means/registry.ts';
import type { LinkedMeans } from '../register/register.ts';
import { html } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import type { Web } from '../web/web.ts';
import { csrfField, field } from './forms.ts';
import type { PortalLogin } from './login.ts';
import { sessionBinding } from './mijn-dezi.ts';
import { personPage, personPost, type Me, type PersonDeps } from './person-pages.ts';

export interface LinkMeansDeps extends PersonDeps {
  means: MeansRegistry;
  login: PortalLogin;
}

/** A means that can be linked: offered to the portals (level high) and able to deliver its own subject. */
export function linkable(means: MeansRegistry): LoginMeans[] {
  return means
    .enabled()
    .filter((m) => meetsLoa(m.loa, LOA.high))
    .filter((m) => !m.subjectKinds || m.subjectKinds.includes('linked'));
}

/** "Wilt u {means} ontkoppelen?": what unlinking does, yes or back. */
export function unlinkConfirmPage(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  me: Me,
  linked: LinkedMeans,
  meansName: string,
): FastifyReply {
  const lang = web.lang(req, reply);
  const title = t(lang, 'link.unlink.title', { means: meansName });
  return web.render(req, reply, {
    lang,
    title,
    body: html`<h1>${title}</h1>
      <p>${t(lang, 'link.unlink.body', { means: meansName })}</p>
      <form method="post" action="/mijn-dezi/middelen/ontkoppelen">
        ${csrfField(web, sessionBinding(me.session))}
        <input type="hidden" name="id" value="${linked.id}" />
        <input type="hidden" name="bevestigd" value="ja" />
        <button class="button" type="submit">${t(lang, 'link.unlink.yes', { means: meansName })}</button>
      </form>
      <p><a href="/mijn-dezi">${t(lang, 'link.unlink.no')}</a></p>`,
  });
}

export async function linkMeansRoutes(app: FastifyInstance, d: LinkMeansDeps): Promise<void> {
  const { web } = d;

  async function choicePage(req: FastifyRequest, reply: FastifyReply, me: Me, lang: Lang, invalid = false) {
    const linked = new Set(await d.register.linkedMeansIds(me.person.id));
    const means = linkable(d.means);
    const open = means.filter((m) => !linked.has(m.id));
    const title = t(lang, 'link.title');
    return web.render(req, reply, {
      lang,
      status: invalid ? 400 : 200,
      title,
      error: invalid,
      body: html`<h1>${title}</h1>
        ${
          invalid
            ? html`<div class="notice notice-error" role="alert"><p>${t(lang, 'link.invalid')}</p></div>`
            : ''
        }
        <p>${t(lang, 'link.intro')}</p>
        ${
          open.length === 0
            ? html`<p>${t(lang, 'link.none')}</p>`
            : html`<form method="post" action="/mijn-dezi/koppelen">
                ${csrfField(web, sessionBinding(me.session))}
                <ul class="means-list">
                  ${open.map(
                    (m) =>
                      html`<li>
                        <button class="means-button" type="submit" name="means" value="${m.id}">
                          ${m.logo ? html`<img class="means-logo" src="${m.logo}" alt="" />` : ''}
                          ${m.displayName[lang]}
                        </button>
                      </li>`,
                  )}
                </ul>
              </form>`
        }
        ${
          means.length > open.length
            ? html`<h2>${t(lang, 'link.already')}</h2>
                <ul>
                  ${means.filter((m) => linked.has(m.id)).map((m) => html`<li>${m.displayName[lang]}</li>`)}
                </ul>`
            : ''
        }
        <p class="hint">${t(lang, 'link.finds_you')}</p>
        <p><a href="/mijn-dezi">${t(lang, 'link.cancel')}</a></p>`,
    });
  }

  personPage(app, d, '/mijn-dezi/koppelen', async (req, reply, me, lang) => choicePage(req, reply, me, lang));

  // The chosen means: checked against the list (a form can be edited), then the login with it.
  personPost(app, d, '/mijn-dezi/koppelen', async (req, reply, me, lang) => {
    const chosen = field(req, 'means', 40);
    const linked = new Set(await d.register.linkedMeansIds(me.person.id));
    const means = linkable(d.means).find((m) => m.id === chosen && !linked.has(m.id));
    if (!means) return choicePage(req, reply, me, lang, true);
    return d.login.start(reply, 'koppelen', lang, me.person.id, means.id);
  });
}
