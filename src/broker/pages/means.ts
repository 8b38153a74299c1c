// "Hoe wilt u inloggen?": the means this client accepts at this level, preferred first, and those
// that cannot be used now with the reason why.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { loaLabel } from '../../means/loa.ts';
import type { LoginMeans } from '../../means/means.ts';
import { formatPolicyDate } from '../../means/policy.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { t, type Lang } from '../../web/i18n.ts';
import type { Web } from '../../web/web.ts';
import type { Interaction } from '../interaction.ts';
import { cancelForm, csrfField, tryAgain } from './common.ts';

/** One means on "Hoe wilt u inloggen?" and how it can be used now. */
export interface MeansOption {
  means: LoginMeans;
  state: 'available' | 'unavailable' | 'no_longer_accepted';
  since?: string;
  preferred?: 'device' | 'hint';
  linked?: boolean;
}

function meansButton(i: Interaction, o: MeansOption, lang: Lang): SafeHtml {
  const notes = [
    o.preferred === 'hint' ? t(lang, 'policy.hinted', { client: i.clientName }) : null,
    o.preferred === 'device' ? t(lang, 'policy.preferred') : null,
    o.linked ? t(lang, 'policy.linked') : null,
    t(lang, 'login.loa', { loa: t(lang, `loa.${loaLabel(o.means.loa)}`) }),
  ].filter((n): n is string => n !== null);
  return html`<li>
    <button
      class="means-button${o.preferred ? ' means-preferred' : ''}"
      type="submit"
      name="means"
      value="${o.means.id}"
    >
      ${o.means.logo ? html`<img class="means-logo" src="${o.means.logo}" alt="" />` : ''}
      ${o.means.displayName[lang]} ${notes.map((n) => html`<span class="means-meta">${n}</span>`)}
    </button>
  </li>`;
}

function unusableItem(o: MeansOption, lang: Lang): SafeHtml {
  const why =
    o.state === 'unavailable'
      ? t(lang, 'policy.unavailable')
      : t(lang, 'policy.no_longer_accepted.short', { date: formatPolicyDate(o.since!, lang) });
  return html`<li class="means-unusable">
    ${o.means.displayName[lang]} <span class="means-meta">${why}</span>
  </li>`;
}

/** The buttons for the usable means (one form, the interaction's CSRF token). */
export function meansForm(web: Web, i: Interaction, usable: MeansOption[], lang: Lang): SafeHtml {
  return html`<form method="post" action="/interaction/${i.uid}/means">
    ${csrfField(web, i)}
    <ul class="means-list">
      ${usable.map((o) => meansButton(i, o, lang))}
    </ul>
  </form>`;
}

function unusableList(unusable: MeansOption[], lang: Lang): SafeHtml | '' {
  if (unusable.length === 0) return '';
  return html`<h2 class="means-unusable-title">${t(lang, 'policy.unavailable.legend')}</h2>
    <ul class="means-list">
      ${unusable.map((o) => unusableItem(o, lang))}
    </ul>`;
}

export function meansPage(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  i: Interaction,
  options: MeansOption[],
): FastifyReply {
  const lang = web.lang(req, reply);
  const usable = options.filter((o) => o.state === 'available');
  const unusable = options.filter((o) => o.state !== 'available');
  // The means the person would have picked (device or login_hint) is explained first.
  const notices = unusable
    .filter((o) => o.preferred)
    .map((o) =>
      o.state === 'unavailable'
        ? t(lang, 'policy.unavailable.notice', { means: o.means.displayName[lang] })
        : t(lang, 'policy.no_longer_accepted', {
            means: o.means.displayName[lang],
            date: formatPolicyDate(o.since!, lang),
          }),
    );
  const body = html`<h1>${t(lang, 'login.title')}</h1>
    <p>${t(lang, 'login.intro', { client: i.clientName })}</p>
    ${notices.map((n) => html`<div class="notice notice-warning"><p>${n}</p></div>`)}
    ${
      usable.length === 0
        ? html`<div class="notice notice-error" role="alert"><p>${t(lang, 'login.none')}</p></div>
            ${tryAgain(i, lang)}`
        : meansForm(web, i, usable, lang)
    }
    ${unusableList(unusable, lang)} ${cancelForm(web, i, lang)}`;
  return web.render(req, reply, { lang, title: t(lang, 'login.title'), body });
}

/** A means the policy refuses (the form was edited or stale): why, and a way back to the choice. */
export function policyRefusedPage(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  i: Interaction,
  refused: { means: LoginMeans; noLongerAcceptedSince: string | null },
): FastifyReply {
  const lang = web.lang(req, reply);
  const title = t(lang, 'policy.refused.title');
  const text = refused.noLongerAcceptedSince
    ? t(lang, 'policy.no_longer_accepted', {
        means: refused.means.displayName[lang],
        date: formatPolicyDate(refused.noLongerAcceptedSince, lang),
      })
    : t(lang, 'policy.refused.body');
  const body = html`<h1>${title}</h1>
    <div class="notice notice-error" role="alert"><p>${text}</p></div>
    <p>
      <a class="button" href="/interaction/${i.uid}">${t(lang, 'policy.choose_other')}</a>
    </p>
    ${cancelForm(web, i, lang)}`;
  return web.render(req, reply, { lang, status: 403, title, body });
}
