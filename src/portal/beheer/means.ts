// Beheer: login means. Each recognised means with its level, whether it is offered, and its health
// now (the registry's check); the operator switches a means off and on again at runtime (kept in the
// database, so every instance and every restart follows; a means the configuration disables stays
// off). And the means policy of each zorgapplicatie: which means it accepts, which not, from and
// until which date (the same dezi_allowed_means / dezi_excluded_means as `dezi client add
// --allow-means/--exclude-means`). Every switch and policy change is audited with the operator as actor.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors as oidcErrors } from 'oidc-provider';
import { loaLabel } from '../../means/loa.ts';
import {
  formatPolicyDate,
  policyInstant,
  type ClientMeansPolicy,
  type MeansWindow,
} from '../../means/policy.ts';
import type { MeansEntry } from '../../means/registry.ts';
import { listClients, updateClient, type RegisteredClient } from '../../oidc/client-admin.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { t, type Lang } from '../../web/i18n.ts';
import { field } from '../forms.ts';
import { PORTAL_CLIENT_ID } from '../login.ts';
import {
  beheerPage,
  clientOf,
  beheerProblem,
  csrf,
  dateInput,
  errorSummary,
  formatWhen,
  melding,
  notice,
  operatorOf,
  selectInput,
  type BeheerDeps,
  type FieldErrors,
} from './shared.ts';

const NOTICES = ['uit', 'aan', 'beleid'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

type Rule = '' | 'toestaan' | 'uitsluiten';

function windowText(lang: Lang, w: MeansWindow): string {
  const from = w.from ? formatPolicyDate(w.from, lang) : null;
  const until = w.until ? formatPolicyDate(w.until, lang) : null;
  if (from && until) return t(lang, 'beheer.means.window.between', { from, until });
  if (from) return t(lang, 'beheer.means.window.from', { from });
  if (until) return t(lang, 'beheer.means.window.until', { until });
  return '';
}

/** A client's policy in a sentence or two: "Alleen: DigiD, UZI-pas (tot 1 juli 2027)". */
export function describePolicy(
  lang: Lang,
  policy: ClientMeansPolicy,
  meansName: (id: string) => string,
): string {
  const list = (windows: MeansWindow[]) =>
    windows
      .map((w) => {
        const when = windowText(lang, w);
        return when ? `${meansName(w.means)} (${when})` : meansName(w.means);
      })
      .join(', ');
  const parts: string[] = [];
  if (policy.allowed?.length) parts.push(t(lang, 'beheer.means.policy.only', { list: list(policy.allowed) }));
  if (policy.excluded?.length)
    parts.push(t(lang, 'beheer.means.policy.not', { list: list(policy.excluded) }));
  return parts.length ? parts.join(' ') : t(lang, 'beheer.means.policy.all');
}

interface RuleInput {
  rule: Rule;
  from: string;
  until: string;
}

/** The form's rule for one means, from a stored policy: its first allowed window, else its first exclusion. */
function ruleOf(policy: ClientMeansPolicy, meansId: string): RuleInput {
  const allowed = policy.allowed?.find((w) => w.means === meansId);
  if (allowed) return { rule: 'toestaan', from: allowed.from ?? '', until: allowed.until ?? '' };
  const excluded = policy.excluded?.find((w) => w.means === meansId);
  if (excluded) return { rule: 'uitsluiten', from: excluded.from ?? '', until: excluded.until ?? '' };
  return { rule: '', from: '', until: '' };
}

export async function meansRoutes(app: FastifyInstance, d: BeheerDeps): Promise<void> {
  const { web } = d;
  const meansName = (lang: Lang) => (id: string) => d.means.get(id)?.displayName[lang] ?? id;

  app.get('/beheer/inlogmiddelen', async (req, reply) => {
    const lang = web.lang(req, reply);
    const entries = d.means.entries();
    const [health, switches, clients] = await Promise.all([
      Promise.all(entries.map((e) => d.means.isUp(e.id))),
      d.switches.all(),
      listClients(d.db, [PORTAL_CLIENT_ID]),
    ]);
    const switchOf = new Map(switches.map((s) => [s.meansId, s]));
    const shown = melding(req, NOTICES);
    const state = (e: MeansEntry): string => {
      if (e.configuredOff) return t(lang, 'beheer.means.state.configured_off');
      const s = switchOf.get(e.id);
      if (e.switchedOff && s)
        return t(lang, 'beheer.means.state.switched_off', {
          when: formatWhen(s.changedAt),
          by: s.changedBy,
        });
      return t(lang, 'beheer.means.state.on');
    };
    const action = (e: MeansEntry): SafeHtml | '' => {
      if (e.configuredOff) return '';
      const name = e.displayName[lang];
      return e.switchedOff
        ? html`<form method="post" action="/beheer/inlogmiddelen/${e.id}/aan" class="inline-form">
            ${csrf(web, req)}
            <button class="link-button" type="submit">
              ${t(lang, 'beheer.means.switch_on', { naam: name })}
            </button>
          </form>`
        : html`<form method="post" action="/beheer/inlogmiddelen/${e.id}/uit" class="inline-form">
            ${csrf(web, req)}
            <button class="link-button" type="submit">
              ${t(lang, 'beheer.means.switch_off', { naam: name })}
            </button>
          </form>`;
    };
    return beheerPage(web, req, reply, {
      title: t(lang, 'beheer.means.title'),
      section: 'inlogmiddelen',
      body: html`<h1>${t(lang, 'beheer.means.title')}</h1>
        ${notice(shown ? t(lang, `beheer.means.notice.${shown}`) : null)}
        <p>${t(lang, 'beheer.means.intro')}</p>
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="middelen">
          <table>
            <caption id="middelen">
              ${t(lang, 'beheer.means.caption')}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t(lang, 'beheer.means.name')}</th>
                <th scope="col">${t(lang, 'beheer.means.level')}</th>
                <th scope="col">${t(lang, 'beheer.means.offered')}</th>
                <th scope="col">${t(lang, 'beheer.means.health')}</th>
                <th scope="col">${t(lang, 'beheer.actions')}</th>
              </tr>
            </thead>
            <tbody>
              ${entries.map(
                (e, n) =>
                  html`<tr>
                    <td>
                      ${e.displayName[lang]} <span class="hint"><code>${e.id}</code></span>
                    </td>
                    <td>${t(lang, `loa.${loaLabel(e.loa)}`)}</td>
                    <td>${state(e)}</td>
                    <td>
                      ${health[n] ? t(lang, 'beheer.means.health.up') : t(lang, 'beheer.means.health.down')}
                    </td>
                    <td>${action(e)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>

        <h2 id="beleid">${t(lang, 'beheer.means.policies')}</h2>
        <p>${t(lang, 'beheer.means.policies.intro')}</p>
        ${
          clients.length === 0
            ? html`<p>${t(lang, 'beheer.client.none')}</p>`
            : html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="beleid">
                <table>
                  <caption>
                    ${t(lang, 'beheer.means.policies.caption')}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">${t(lang, 'beheer.client.name')}</th>
                      <th scope="col">${t(lang, 'beheer.means.policy')}</th>
                      <th scope="col">${t(lang, 'beheer.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${clients.map(
                      (c) =>
                        html`<tr>
                          <td>${c.name}</td>
                          <td>${describePolicy(lang, c.policy, meansName(lang))}</td>
                          <td>
                            <a href="/beheer/inlogmiddelen/beleid/${c.clientId}"
                              >${t(lang, 'beheer.means.policy.change', { naam: c.name })}</a
                            >
                          </td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }`,
    });
  });

  function meansOf(req: FastifyRequest): MeansEntry | undefined {
    const { id } = req.params as { id: string };
    return d.means.entries().find((e) => e.id === id);
  }

  async function setSwitch(req: FastifyRequest, entry: MeansEntry, enabled: boolean) {
    await d.switches.set(entry.id, enabled, operatorOf(req).actor);
    // This instance follows at once; the others at their next poll (a few seconds).
    await d.means.refreshSwitches();
    d.means.forgetHealth(entry.id);
  }

  app.post('/beheer/inlogmiddelen/:id/uit', async (req, reply) => {
    const entry = meansOf(req);
    if (!entry) return beheerProblem(web, req, reply, 404, 'not_found', '/beheer/inlogmiddelen');
    const lang = web.lang(req, reply);
    if (field(req, 'bevestigd', 2) !== 'ja') {
      // Nobody can log in with the means while it is off: asked first (WCAG 3.3.4).
      return beheerPage(web, req, reply, {
        title: t(lang, 'beheer.means.off.confirm_title'),
        section: 'inlogmiddelen',
        body: html`<h1>${t(lang, 'beheer.means.off.confirm_title')}</h1>
          <p>${t(lang, 'beheer.means.off.confirm', { naam: entry.displayName[lang] })}</p>
          <form method="post" action="/beheer/inlogmiddelen/${entry.id}/uit">
            ${csrf(web, req)}
            <input type="hidden" name="bevestigd" value="ja" />
            <button class="button" type="submit">${t(lang, 'beheer.means.off.yes')}</button>
          </form>
          <p><a href="/beheer/inlogmiddelen">${t(lang, 'beheer.cancel')}</a></p>`,
      });
    }
    await setSwitch(req, entry, false);
    return reply.redirect('/beheer/inlogmiddelen?melding=uit', 303);
  });

  app.post('/beheer/inlogmiddelen/:id/aan', async (req, reply) => {
    const entry = meansOf(req);
    if (!entry) return beheerProblem(web, req, reply, 404, 'not_found', '/beheer/inlogmiddelen');
    // The configuration's decision stands: the switch cannot turn on what DEZI_MEANS_DISABLED names.
    if (entry.configuredOff) return beheerProblem(web, req, reply, 409, 'refused', '/beheer/inlogmiddelen');
    await setSwitch(req, entry, true);
    return reply.redirect('/beheer/inlogmiddelen?melding=aan', 303);
  });

  function policyPage(
    req: FastifyRequest,
    reply: FastifyReply,
    client: RegisteredClient,
    o: { rules?: Map<string, RuleInput>; errors?: FieldErrors; status?: number } = {},
  ) {
    const lang = web.lang(req, reply);
    const errors = o.errors ?? {};
    const entries = d.means.entries();
    const rules = o.rules ?? new Map(entries.map((e) => [e.id, ruleOf(client.policy, e.id)]));
    const title = t(lang, 'beheer.means.policy.title', { naam: client.name });
    return beheerPage(web, req, reply, {
      title,
      section: 'inlogmiddelen',
      status: o.status,
      hasErrors: Object.keys(errors).length > 0,
      body: html`<h1>${title}</h1>
        ${errorSummary(lang, errors)}
        <p>
          ${t(lang, 'beheer.means.policy.now', { policy: describePolicy(lang, client.policy, meansName(lang)) })}
        </p>
        <p>${t(lang, 'beheer.means.policy.explain')}</p>
        <form method="post" action="/beheer/inlogmiddelen/beleid/${client.clientId}">
          ${csrf(web, req)}
          ${entries.map((e) => {
            const r = rules.get(e.id) ?? { rule: '', from: '', until: '' };
            return html`<fieldset>
              <legend>${e.displayName[lang]}</legend>
              ${selectInput({
                lang,
                name: `regel-${e.id}`,
                label: t(lang, 'beheer.means.policy.rule'),
                value: r.rule,
                error: errors[`regel-${e.id}`],
                options: [
                  ['', t(lang, 'beheer.means.policy.rule.none')],
                  ['toestaan', t(lang, 'beheer.means.policy.rule.allow')],
                  ['uitsluiten', t(lang, 'beheer.means.policy.rule.exclude')],
                ],
              })}
              ${dateInput({ lang, name: `vanaf-${e.id}`, label: t(lang, 'beheer.means.policy.from'), hint: t(lang, 'beheer.means.policy.from.hint'), value: r.from, error: errors[`vanaf-${e.id}`] })}
              ${dateInput({ lang, name: `tot-${e.id}`, label: t(lang, 'beheer.means.policy.until'), hint: t(lang, 'beheer.means.policy.until.hint'), value: r.until, error: errors[`tot-${e.id}`] })}
            </fieldset>`;
          })}
          <button class="button" type="submit">${t(lang, 'beheer.means.policy.submit')}</button>
        </form>
        <p><a href="/beheer/inlogmiddelen">${t(lang, 'beheer.cancel')}</a></p>`,
    });
  }

  app.get('/beheer/inlogmiddelen/beleid/:clientId', async (req, reply) => {
    const client = await clientOf(d.db, req);
    if (!client) return beheerProblem(web, req, reply, 404, 'not_found', '/beheer/inlogmiddelen');
    return policyPage(req, reply, client);
  });

  app.post('/beheer/inlogmiddelen/beleid/:clientId', async (req, reply) => {
    const client = await clientOf(d.db, req);
    if (!client) return beheerProblem(web, req, reply, 404, 'not_found', '/beheer/inlogmiddelen');
    const lang = web.lang(req, reply);
    const entries = d.means.entries();
    const rules = new Map<string, RuleInput>();
    const errors: FieldErrors = {};
    const allowed: MeansWindow[] = [];
    const excluded: MeansWindow[] = [];
    for (const e of entries) {
      const raw = field(req, `regel-${e.id}`, 12);
      const r: RuleInput = {
        rule: raw === 'toestaan' || raw === 'uitsluiten' ? raw : '',
        from: field(req, `vanaf-${e.id}`, 10),
        until: field(req, `tot-${e.id}`, 10),
      };
      rules.set(e.id, r);
      const naam = e.displayName[lang];
      if (raw !== '' && r.rule === '')
        errors[`regel-${e.id}`] = t(lang, 'beheer.means.policy.error.rule', { naam });
      for (const [key, value] of [
        ['vanaf', r.from],
        ['tot', r.until],
      ] as const)
        if (value !== '' && (!DATE.test(value) || Number.isNaN(policyInstant(value))))
          errors[`${key}-${e.id}`] = t(lang, 'beheer.means.policy.error.date', { naam });
      if (r.from && r.until && !errors[`vanaf-${e.id}`] && !errors[`tot-${e.id}`] && r.from >= r.until)
        errors[`tot-${e.id}`] = t(lang, 'beheer.means.policy.error.order', { naam });
      if (r.rule === '' && (r.from || r.until) && !errors[`regel-${e.id}`])
        errors[`regel-${e.id}`] = t(lang, 'beheer.means.policy.error.dates_without_rule', { naam });
      if (r.rule === '') continue;
      const w: MeansWindow = {
        means: e.id,
        ...(r.from ? { from: r.from } : {}),
        ...(r.until ? { until: r.until } : {}),
      };
      (r.rule === 'toestaan' ? allowed : excluded).push(w);
    }
    if (Object.keys(errors).length) return policyPage(req, reply, client, { rules, errors, status: 400 });
    // Entries for means this Dezi does not register (not on the form) are kept as they are.
    const known = new Set(entries.map((e) => e.id));
    allowed.push(...(client.policy.allowed ?? []).filter((w) => !known.has(w.means)));
    excluded.push(...(client.policy.excluded ?? []).filter((w) => !known.has(w.means)));
    try {
      await updateClient(
        d.provider,
        d.db,
        client.clientId,
        { policy: { allowed, excluded } },
        operatorOf(req).actor,
      );
    } catch (err) {
      if (!(err instanceof oidcErrors.InvalidClientMetadata)) throw err;
      req.log.info({ client: client.clientId, reason: err.error_description }, 'means policy refused');
      return beheerProblem(
        web,
        req,
        reply,
        400,
        'refused',
        `/beheer/inlogmiddelen/beleid/${client.clientId}`,
      );
    }
    return reply.redirect('/beheer/inlogmiddelen?melding=beleid', 303);
  });
}
