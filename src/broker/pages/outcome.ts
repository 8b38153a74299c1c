// The pages of a login that stopped after a means: each shown from the outcome stored in the
// transaction (Post/Redirect/Get), so reloading or switching language shows it again.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOA, type LoA } from '../../means/loa.ts';
import { alert } from '../../web/components.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { t, type Lang, type MessageKey } from '../../web/i18n.ts';
import type { Web } from '../../web/web.ts';
import type { Interaction } from '../interaction.ts';
import { problemStatus } from '../outcomes.ts';
import type { BrokerProblem } from '../transactions.ts';
import { cancelForm, tryAgain } from './common.ts';
import { meansForm, type MeansOption } from './means.ts';

const PROBLEM_PAGES: Record<BrokerProblem, { title: MessageKey; body: MessageKey }> = {
  unknown_person: { title: 'error.unknown_person.title', body: 'error.unknown_person.body' },
  means_not_linked: { title: 'error.means_not_linked.title', body: 'error.means_not_linked.body' },
  person_inactive: { title: 'error.person_inactive.title', body: 'error.person_inactive.body' },
  no_employment: { title: 'error.no_employment.title', body: 'error.no_employment.body' },
  means_failed: { title: 'error.means_failed.title', body: 'error.means_failed.body' },
  means_cancelled: { title: 'error.means_cancelled.title', body: 'error.means_cancelled.body' },
  credential_refused: { title: 'error.credential_refused.title', body: 'error.credential_refused.body' },
  credential_employment_ended: {
    title: 'error.credential_employment_ended.title',
    body: 'error.credential_employment_ended.body',
  },
};

const LOA_WORDS: Record<LoA, MessageKey> = {
  [LOA.low]: 'broker.loa.low',
  [LOA.substantial]: 'broker.loa.substantial',
  [LOA.high]: 'broker.loa.high',
};

export function problemPage(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  i: Interaction,
  key: BrokerProblem,
  extra?: SafeHtml | null,
): FastifyReply {
  const lang = web.lang(req, reply);
  const retry =
    key === 'means_failed' || key === 'means_cancelled' || key.startsWith('credential_')
      ? tryAgain(i, lang)
      : '';
  // Linking is done in Mijn Dezi, after logging in there with a means already linked.
  const toPortal =
    key === 'means_not_linked'
      ? html`<p><a href="/mijn-dezi">${t(lang, 'error.means_not_linked.to_portal')}</a></p>`
      : '';
  return web.renderProblem(req, reply, {
    status: problemStatus(key),
    titleKey: PROBLEM_PAGES[key].title,
    bodyKey: PROBLEM_PAGES[key].body,
    actions: html`${extra ?? ''}${toPortal}${retry}${cancelForm(web, i, lang)}`,
  });
}

/** A means that did not answer: the other means to go on with the same login, if any. */
export function fallbackPage(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  i: Interaction,
  failedName: string,
  usable: MeansOption[],
): FastifyReply {
  const lang = web.lang(req, reply);
  const body = html`<h1>${t(lang, 'error.means_unavailable.title')}</h1>
    ${alert({
      type: 'error',
      body: t(lang, usable.length ? 'policy.fallback.body' : 'policy.fallback.none', { means: failedName }),
    })}
    ${
      usable.length
        ? html`<h2>${t(lang, 'policy.fallback.alternatives')}</h2>
            ${meansForm(web, i, usable, lang)}`
        : tryAgain(i, lang)
    }
    ${cancelForm(web, i, lang)} ${web.contact(lang)}`;
  // With a way on it is a step of the login (200); without one, the service is unavailable.
  return web.render(req, reply, {
    lang,
    status: usable.length ? 200 : 503,
    title: t(lang, 'error.means_unavailable.title'),
    body,
  });
}

/** The means answered below the level this login asks for: the means that reach it, to go on with. */
export function loaTooLowPage(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  i: Interaction,
  o: { meansName: string; required: LoA; reached: LoA | null; usable: MeansOption[] },
): FastifyReply {
  const lang: Lang = web.lang(req, reply);
  const required = t(lang, LOA_WORDS[o.required]);
  const title = t(lang, 'broker.loa_too_low.title');
  const vars = { means: o.meansName, client: i.clientName, required };
  const text = o.reached
    ? t(lang, 'broker.loa_too_low.body', { ...vars, reached: t(lang, LOA_WORDS[o.reached]) })
    : t(lang, 'broker.loa_too_low.body_unknown', vars);
  const body = html`<h1>${title}</h1>
    ${alert({ type: 'error', body: text })}
    ${
      o.usable.length
        ? html`<h2>${t(lang, 'broker.loa_too_low.alternatives', { required })}</h2>
            ${meansForm(web, i, o.usable, lang)}`
        : html`<p>${t(lang, 'broker.loa_too_low.none')}</p>
            ${tryAgain(i, lang)}`
    }
    ${cancelForm(web, i, lang)} ${web.contact(lang)}`;
  return web.render(req, reply, { lang, status: 400, title, body });
}
