// "Waar werk je? Wat ben je?": the person's active employments, one to choose for this login, and
// the mandates they may act under here (mandate-choices.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Employment, UsableMandate } from '../../register/register.ts';
import { html } from '../../web/html.ts';
import { t } from '../../web/i18n.ts';
import type { Web } from '../../web/web.ts';
import type { Interaction } from '../interaction.ts';
import { cancelForm, csrfField } from './common.ts';
import { mandateChoices } from './mandate-choices.ts';

export function choicePage(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  i: Interaction,
  employments: Employment[],
  invalid: boolean,
  mandates: UsableMandate[] = [],
): FastifyReply {
  const lang = web.lang(req, reply);
  const body = html`<h1>${t(lang, 'choose.title')}</h1>
<p>${t(lang, mandates.length > 0 ? 'mandate.choose.intro' : 'choose.intro', { client: i.clientName })}</p>
${invalid ? html`<div class="notice notice-error" role="alert" id="choice-error"><p class="error-message">${t(lang, 'choose.required')}</p></div>` : ''}
<form method="post" action="/interaction/${i.uid}/kies">${csrfField(web, i)}
<fieldset${invalid ? html` aria-describedby="choice-error"` : ''}>
<legend>${t(lang, 'choose.legend')}</legend>
<ul class="choice-list">${employments.map(
    (e, n) =>
      html`<li class="choice">
        <input type="radio" name="employment" id="employment-${n}" value="${e.id}" required />
        <label for="employment-${n}"
          >${e.abonnee.naam}
          <span class="choice-sub"
            >${e.rolNaam ? `${e.rolNaam} (${e.rolCode})` : t(lang, 'choose.norole')}</span
          >
          <span class="choice-sub">URA ${e.abonnee.abonneeNummer}</span></label
        >
      </li>`,
  )}${mandateChoices(lang, mandates, employments.length)}</ul>
</fieldset>
<button class="button" type="submit">${t(lang, 'choose.submit')}</button>
</form>
${cancelForm(web, i, lang)}`;
  return web.render(req, reply.code(invalid ? 400 : 200), { lang, title: t(lang, 'choose.title'), body });
}
