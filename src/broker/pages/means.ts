// "Hoe wilt u inloggen?": the means this client accepts at this level, each with its icon and its level
// in words, preferred first, and those that cannot be used now with the reason why. On a phone a means
// that needs a card reader is explained and offered last (means-options.ts reads the User-Agent).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { loaLabel } from '../../means/loa.ts';
import type { LoginMeans } from '../../means/means.ts';
import { formatPolicyDate } from '../../means/policy.ts';
import { alert, buttonClass, buttonGroup, linkButton } from '../../web/components.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { t, type Lang } from '../../web/i18n.ts';
import type { Web } from '../../web/web.ts';
import type { Interaction } from '../interaction.ts';
import { cancelForm, csrfField, tryAgain } from './common.ts';
import { meansIcon } from './means-icons.ts';

/** One means on "Hoe wilt u inloggen?" and how it can be used now. */
export interface MeansOption {
  means: LoginMeans;
  state: 'available' | 'unavailable' | 'no_longer_accepted';
  since?: string;
  preferred?: 'device' | 'hint';
  linked?: boolean;
  /** On this device the means cannot work: what it needs and the device lacks (a phone's card reader). */
  unsuitable?: 'card-reader';
}

function icon(o: MeansOption): SafeHtml | '' {
  const src = meansIcon(o.means);
  return src ? html`<img class="dezi-means__icon" src="${src}" alt="" width="40" height="40" />` : '';
}

/** The means' name, its level in words, and why it is where it is. */
function meansText(i: Interaction, o: MeansOption, lang: Lang, extra: (string | null)[] = []): SafeHtml {
  const notes = [
    t(lang, 'login.loa', { loa: t(lang, `loa.${loaLabel(o.means.loa)}`) }),
    o.preferred === 'hint' ? t(lang, 'policy.hinted', { client: i.clientName }) : null,
    o.preferred === 'device' ? t(lang, 'policy.preferred') : null,
    o.linked ? t(lang, 'policy.linked') : null,
    o.unsuitable === 'card-reader' ? t(lang, 'means.phone.card_reader') : null,
    ...extra,
  ].filter((n): n is string => n !== null);
  return html`<span class="dezi-means__text">
    <span class="dezi-means__name">${o.means.displayName[lang]}</span>
    ${notes.map((n) => html`<span class="dezi-means__meta">${n}</span>`)}
  </span>`;
}

/** A means to choose: a large button with its icon; the first one offered is the primary button. */
function meansButton(i: Interaction, o: MeansOption, lang: Lang, first: boolean): SafeHtml {
  return html`<li>
    <button
      class="${buttonClass(first ? 'primary' : 'secondary')} dezi-means${o.preferred ? ' dezi-means--preferred' : ''}"
      type="submit"
      name="means"
      value="${o.means.id}"
    >
      ${icon(o)} ${meansText(i, o, lang)}
    </button>
  </li>`;
}

function unusableItem(i: Interaction, o: MeansOption, lang: Lang): SafeHtml {
  const why =
    o.state === 'unavailable'
      ? t(lang, 'policy.unavailable')
      : t(lang, 'policy.no_longer_accepted.short', { date: formatPolicyDate(o.since!, lang) });
  return html`<li class="dezi-means--unusable">${icon(o)} ${meansText(i, o, lang, [why])}</li>`;
}

/**
 * The buttons for the usable means (one form, the interaction's CSRF token). A means this device
 * cannot use (a phone and the UZI-pas) comes after the others, under a heading that says where it works.
 */
export function meansForm(web: Web, i: Interaction, usable: MeansOption[], lang: Lang): SafeHtml {
  const here = usable.filter((o) => !o.unsuitable);
  const elsewhere = usable.filter((o) => o.unsuitable);
  return html`<form method="post" action="/interaction/${i.uid}/means">
    ${csrfField(web, i)}
    ${
      here.length
        ? html`<ul class="dezi-means-list">
            ${here.map((o, n) => meansButton(i, o, lang, n === 0))}
          </ul>`
        : ''
    }
    ${
      elsewhere.length
        ? html`<h2>${t(lang, 'means.phone.elsewhere')}</h2>
            <ul class="dezi-means-list">
              ${elsewhere.map((o, n) => meansButton(i, o, lang, here.length === 0 && n === 0))}
            </ul>`
        : ''
    }
  </form>`;
}

function unusableList(i: Interaction, unusable: MeansOption[], lang: Lang): SafeHtml | '' {
  if (unusable.length === 0) return '';
  return html`<h2>${t(lang, 'policy.unavailable.legend')}</h2>
    <ul class="dezi-means-list">
      ${unusable.map((o) => unusableItem(i, o, lang))}
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
    ${notices.map((n) => alert({ type: 'warning', body: n }))}
    ${
      usable.length === 0
        ? html`${alert({ type: 'error', body: t(lang, 'login.none') })} ${tryAgain(i, lang)}`
        : meansForm(web, i, usable, lang)
    }
    ${unusableList(i, unusable, lang)} ${cancelForm(web, i, lang)}`;
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
    ${alert({ type: 'error', body: text })}
    ${buttonGroup(linkButton({ href: `/interaction/${i.uid}`, label: t(lang, 'policy.choose_other') }))}
    ${cancelForm(web, i, lang)} ${web.contact(lang)}`;
  return web.render(req, reply, { lang, status: 403, title, body });
}
