// Beheer: zorgapplicaties (the OpenID clients of Dezi). Register one (redirect URIs, public with PKCE
// or with its JWKS for private_key_jwt, and the certificate userinfo is encrypted to, as a PEM file or
// pasted), change its name and redirect URIs, disable and enable it, and see its last logins (the
// broker's `login` records in the audit trail). Registration and changes take the path of
// `dezi client add` (oidc/client-admin.ts → clients.ts), so one set of rules holds for both; the
// rules' refusals are told in Dutch or English here. Dezi's own portal client is not listed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors as oidcErrors } from 'oidc-provider';
import { lastLogins, type AuditRecord } from '../../audit/search.ts';
import {
  listClients,
  registerClient,
  setClientDisabled,
  updateClient,
  type RegisteredClient,
} from '../../oidc/client-admin.ts';
import { userinfoEncryptionOf } from '../../oidc/clients.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { t, type Lang, type MessageKey } from '../../web/i18n.ts';
import { field, textInput } from '../forms.ts';
import { PORTAL_CLIENT_ID } from '../login.ts';
import { describePolicy } from './means.ts';
import {
  beheerPage,
  clientOf,
  beheerProblem,
  csrf,
  errorSummary,
  fileInput,
  formatWhen,
  melding,
  notice,
  operatorOf,
  textarea,
  type BeheerDeps,
  type FieldErrors,
} from './shared.ts';

const NOTICES = ['geregistreerd', 'gewijzigd', 'uitgeschakeld', 'ingeschakeld'] as const;
const MAX_REDIRECT_URIS = 20;
/** How many logins the page of a zorgapplicatie shows. */
const LOGINS_SHOWN = 20;

interface ClientInput {
  naam: string;
  organisatie: string;
  redirectUris: string;
  soort: 'publiek' | 'sleutels';
  jwks: string;
  certificaat: string;
  certificaatBestand: string;
}

const EMPTY: ClientInput = {
  naam: '',
  organisatie: '',
  redirectUris: '',
  soort: 'publiek',
  jwks: '',
  certificaat: '',
  certificaatBestand: '',
};

/** The redirect URIs as typed, one per line: parsed, or the message for the field. */
function parseRedirectUris(lang: Lang, text: string): { uris: string[] } | { error: string } {
  const uris = [
    ...new Set(
      text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean),
    ),
  ];
  if (uris.length === 0) return { error: t(lang, 'beheer.client.error.redirect_missing') };
  if (uris.length > MAX_REDIRECT_URIS)
    return { error: t(lang, 'beheer.client.error.redirect_many', { n: String(MAX_REDIRECT_URIS) }) };
  for (const uri of uris) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return { error: t(lang, 'beheer.client.error.redirect', { uri }) };
    }
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.hash || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback)))
      return { error: t(lang, 'beheer.client.error.redirect', { uri }) };
  }
  return { uris };
}

function checkName(lang: Lang, naam: string): string | undefined {
  return naam === '' || naam.length > 200 || /\p{Cc}/u.test(naam)
    ? t(lang, 'beheer.client.error.naam')
    : undefined;
}

/**
 * Which field a refusal of Dezi's client rules (oidc-provider's InvalidClientMetadata, whose text is
 * English and technical) is about, and what the form says about it.
 */
function refusalOf(description: string): { field: keyof ClientInput; key: MessageKey } {
  const rules: [RegExp, keyof ClientInput, MessageKey][] = [
    [/either in the JWKS or as a certificate/, 'certificaat', 'beheer.client.error.cert_twice'],
    [/no PEM certificate|not a valid X\.509|base64/, 'certificaat', 'beheer.client.error.cert_unreadable'],
    [/RSA key|does not hold an RSA/, 'certificaat', 'beheer.client.error.cert_key'],
    [/key usage/, 'certificaat', 'beheer.client.error.cert_usage'],
    [/expired on/, 'certificaat', 'beheer.client.error.cert_expired'],
    [/not valid before/, 'certificaat', 'beheer.client.error.cert_not_yet'],
    // Pairwise subjects (Dezi's default) are computed per host: several hosts would need a sector.
    [/sector_identifier_uri/, 'redirectUris', 'beheer.client.error.redirect_hosts'],
    [/redirect/, 'redirectUris', 'beheer.client.error.redirect_rules'],
    [/jwks|signing key|public keys|public client/i, 'jwks', 'beheer.client.error.jwks_rules'],
  ];
  const hit = rules.find(([re]) => re.test(description));
  return hit ? { field: hit[1], key: hit[2] } : { field: 'naam', key: 'beheer.client.error.other' };
}

export async function clientRoutes(app: FastifyInstance, d: BeheerDeps): Promise<void> {
  const { web } = d;

  const kind = (lang: Lang, c: RegisteredClient) =>
    t(lang, c.isPublic ? 'beheer.client.kind.public' : 'beheer.client.kind.keys');
  const status = (lang: Lang, c: RegisteredClient) =>
    t(lang, c.disabled ? 'beheer.client.status.disabled' : 'beheer.client.status.enabled');

  app.get('/beheer/zorgapplicaties', async (req, reply) => {
    const lang = web.lang(req, reply);
    const clients = await listClients(d.db, [PORTAL_CLIENT_ID]);
    return beheerPage(web, req, reply, {
      title: t(lang, 'beheer.client.title'),
      section: 'zorgapplicaties',
      body: html`<h1>${t(lang, 'beheer.client.title')}</h1>
        <p><a class="button" href="/beheer/zorgapplicaties/nieuw">${t(lang, 'beheer.client.add')}</a></p>
        ${
          clients.length === 0
            ? html`<p>${t(lang, 'beheer.client.none')}</p>`
            : html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="zorgapplicaties">
                <table>
                  <caption id="zorgapplicaties">
                    ${t(lang, 'beheer.client.caption')}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">${t(lang, 'beheer.client.name')}</th>
                      <th scope="col">${t(lang, 'beheer.client.id')}</th>
                      <th scope="col">${t(lang, 'beheer.client.organisation')}</th>
                      <th scope="col">${t(lang, 'beheer.client.kind')}</th>
                      <th scope="col">${t(lang, 'portal.status')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${clients.map(
                      (c) =>
                        html`<tr>
                          <td><a href="/beheer/zorgapplicaties/${c.clientId}">${c.name}</a></td>
                          <td><code>${c.clientId}</code></td>
                          <td>${c.organization ?? ''}</td>
                          <td>${kind(lang, c)}</td>
                          <td>${status(lang, c)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }`,
    });
  });

  function newPage(
    req: FastifyRequest,
    reply: FastifyReply,
    o: { input?: ClientInput; errors?: FieldErrors; technical?: string; status?: number } = {},
  ) {
    const lang = web.lang(req, reply);
    const input = o.input ?? EMPTY;
    const errors = o.errors ?? {};
    const radio = (value: ClientInput['soort'], label: MessageKey, sub: MessageKey) =>
      html`<li class="choice">
        <input
          type="radio"
          name="soort"
          id="soort-${value}"
          value="${value}"
          ${input.soort === value ? html`checked` : ''}
        />
        <label for="soort-${value}">${t(lang, label)} <span class="choice-sub">${t(lang, sub)}</span></label>
      </li>`;
    return beheerPage(web, req, reply, {
      title: t(lang, 'beheer.client.add'),
      section: 'zorgapplicaties',
      status: o.status,
      hasErrors: Object.keys(errors).length > 0,
      body: html`<h1>${t(lang, 'beheer.client.add')}</h1>
        ${errorSummary(lang, errors)}
        ${o.technical ? html`<p class="hint">${t(lang, 'beheer.client.technical')} <code lang="en">${o.technical}</code></p>` : ''}
        <p>${t(lang, 'beheer.client.add.intro')}</p>
        <form method="post" action="/beheer/zorgapplicaties/nieuw" enctype="multipart/form-data">
          ${csrf(web, req)}
          ${textInput({ lang, name: 'naam', label: t(lang, 'beheer.client.name'), value: input.naam, error: errors.naam, maxlength: 200, autocomplete: 'off', required: true })}
          ${textInput({ lang, name: 'organisatie', label: t(lang, 'beheer.client.organisation_optional'), value: input.organisatie, error: errors.organisatie, maxlength: 200, autocomplete: 'organization' })}
          ${textarea({ lang, name: 'redirectUris', label: t(lang, 'beheer.client.redirect_uris'), hint: t(lang, 'beheer.client.redirect_uris.hint'), value: input.redirectUris, error: errors.redirectUris, rows: 3 })}
          <fieldset>
            <legend>${t(lang, 'beheer.client.kind')}</legend>
            <ul class="choice-list">
              ${radio('publiek', 'beheer.client.kind.public', 'beheer.client.kind.public.hint')}
              ${radio('sleutels', 'beheer.client.kind.keys', 'beheer.client.kind.keys.hint')}
            </ul>
          </fieldset>
          ${textarea({ lang, name: 'jwks', label: t(lang, 'beheer.client.jwks'), hint: t(lang, 'beheer.client.jwks.hint'), value: input.jwks, error: errors.jwks, rows: 4 })}
          <fieldset>
            <legend>${t(lang, 'beheer.client.certificate')}</legend>
            <p class="hint">${t(lang, 'beheer.client.certificate.hint')}</p>
            ${fileInput({ lang, name: 'certificaatBestand', label: t(lang, 'beheer.client.certificate.file'), accept: '.pem,.crt,.cer,application/x-pem-file', error: errors.certificaatBestand })}
            ${textarea({ lang, name: 'certificaat', label: t(lang, 'beheer.client.certificate.paste'), value: input.certificaat, error: errors.certificaat, rows: 4 })}
          </fieldset>
          <button class="button" type="submit">${t(lang, 'beheer.client.add.submit')}</button>
        </form>
        <p><a href="/beheer/zorgapplicaties">${t(lang, 'beheer.cancel')}</a></p>`,
    });
  }

  app.get('/beheer/zorgapplicaties/nieuw', async (req, reply) => newPage(req, reply));

  app.post('/beheer/zorgapplicaties/nieuw', async (req, reply) => {
    const lang = web.lang(req, reply);
    const input: ClientInput = {
      naam: field(req, 'naam', 200),
      organisatie: field(req, 'organisatie', 200),
      redirectUris: field(req, 'redirectUris', 8000),
      soort: field(req, 'soort', 10) === 'sleutels' ? 'sleutels' : 'publiek',
      jwks: field(req, 'jwks', 16000),
      certificaat: field(req, 'certificaat', 16000),
      certificaatBestand: field(req, 'certificaatBestand', 32000),
    };
    const errors: FieldErrors = {};
    const naamError = checkName(lang, input.naam);
    if (naamError) errors.naam = naamError;
    if (input.organisatie.length > 200 || /\p{Cc}/u.test(input.organisatie))
      errors.organisatie = t(lang, 'beheer.client.error.organisatie');
    const redirect = parseRedirectUris(lang, input.redirectUris);
    if ('error' in redirect) errors.redirectUris = redirect.error;
    let jwks: { keys: unknown[] } | undefined;
    if (input.soort === 'sleutels') {
      try {
        const parsed = JSON.parse(input.jwks) as { keys?: unknown };
        if (!Array.isArray(parsed?.keys)) throw new Error('no keys');
        jwks = parsed as { keys: unknown[] };
      } catch {
        errors.jwks = t(lang, 'beheer.client.error.jwks');
      }
    } else if (input.jwks !== '') errors.jwks = t(lang, 'beheer.client.error.jwks_public');
    if (input.certificaat !== '' && input.certificaatBestand !== '')
      errors.certificaat = t(lang, 'beheer.client.error.cert_both');
    const pem = input.certificaatBestand || input.certificaat;
    let technical: string | undefined;
    if (Object.keys(errors).length === 0 && 'uris' in redirect) {
      try {
        const stored = await registerClient(
          d.provider,
          d.db,
          {
            clientName: input.naam,
            ...(input.organisatie ? { organizationName: input.organisatie } : {}),
            redirectUris: redirect.uris,
            public: input.soort === 'publiek',
            ...(jwks ? { jwks } : {}),
            ...(pem ? { encryptionCertPem: pem } : {}),
          },
          operatorOf(req).actor,
        );
        return reply.redirect(`/beheer/zorgapplicaties/${stored.client_id}?melding=geregistreerd`, 303);
      } catch (err) {
        if (!(err instanceof oidcErrors.InvalidClientMetadata)) throw err;
        const description = err.error_description ?? err.message;
        const { field: which, key } = refusalOf(description);
        // A file's problem is shown at the file field when the certificate came as a file.
        const at = which === 'certificaat' && input.certificaatBestand ? 'certificaatBestand' : which;
        errors[at] = t(lang, key);
        if (key === 'beheer.client.error.other') technical = description;
      }
    }
    // The file is not sent back (a file input cannot be filled); its text was read, not stored.
    return newPage(req, reply, {
      input: { ...input, certificaatBestand: '' },
      errors,
      technical,
      status: 400,
    });
  });

  function loginRow(lang: Lang, r: AuditRecord): SafeHtml {
    const means = typeof r.detail.means === 'string' ? r.detail.means : null;
    const reason = typeof r.detail.reason === 'string' ? r.detail.reason : null;
    return html`<tr>
      <td>${formatWhen(r.at)}</td>
      <td>${r.actor ? html`<a href="/beheer/personen/${r.actor}">${r.actor}</a>` : ''}</td>
      <td>${r.abonneeNummer ?? ''}</td>
      <td>${means ? (d.means.get(means)?.displayName[lang] ?? means) : ''}</td>
      <td>
        ${r.outcome === 'success' ? t(lang, 'beheer.outcome.success') : t(lang, 'beheer.outcome.failure')}
        ${reason ? html`<span class="hint"><code>${reason}</code></span>` : ''}
      </td>
    </tr>`;
  }

  async function clientPage(
    req: FastifyRequest,
    reply: FastifyReply,
    client: RegisteredClient,
    o: { naam?: string; redirectUris?: string; errors?: FieldErrors; status?: number } = {},
  ) {
    const lang = web.lang(req, reply);
    const errors = o.errors ?? {};
    const logins = await lastLogins(d.db, client.clientId, LOGINS_SHOWN);
    const shown = melding(req, NOTICES);
    const base = `/beheer/zorgapplicaties/${client.clientId}`;
    const encryption = userinfoEncryptionOf(client.metadata as Record<string, unknown>);
    const meansName = (id: string) => d.means.get(id)?.displayName[lang] ?? id;
    return beheerPage(web, req, reply, {
      title: client.name,
      section: 'zorgapplicaties',
      status: o.status,
      hasErrors: Object.keys(errors).length > 0,
      body: html`<h1>${client.name}</h1>
        ${errorSummary(lang, errors)} ${notice(shown ? t(lang, `beheer.client.notice.${shown}`) : null)}
        <dl class="facts">
          <dt>${t(lang, 'beheer.client.id')}</dt>
          <dd><code>${client.clientId}</code></dd>
          <dt>${t(lang, 'beheer.client.organisation')}</dt>
          <dd>${client.organization ?? t(lang, 'beheer.none')}</dd>
          <dt>${t(lang, 'beheer.client.kind')}</dt>
          <dd>${kind(lang, client)}</dd>
          <dt>${t(lang, 'portal.status')}</dt>
          <dd>
            ${status(lang, client)}${client.disabled ? ` (${formatWhen(client.disabled.at)}, ${client.disabled.by})` : ''}
          </dd>
          <dt>${t(lang, 'beheer.client.redirect_uris')}</dt>
          <dd>${client.redirectUris.map((u) => html`<code>${u}</code><br />`)}</dd>
          <dt>${t(lang, 'beheer.client.userinfo')}</dt>
          <dd>
            ${
              encryption
                ? encryption.certificateNotAfter
                  ? t(lang, 'beheer.client.userinfo.cert', {
                      until: formatWhen(new Date(encryption.certificateNotAfter)),
                    })
                  : t(lang, 'beheer.client.userinfo.key')
                : t(lang, 'beheer.client.userinfo.signed')
            }
          </dd>
          <dt>${t(lang, 'beheer.means.policy')}</dt>
          <dd>
            ${describePolicy(lang, client.policy, meansName)}
            <a href="/beheer/inlogmiddelen/beleid/${client.clientId}"
              >${t(lang, 'beheer.means.policy.change', { naam: client.name })}</a
            >
          </dd>
        </dl>

        <h2>${t(lang, client.disabled ? 'beheer.client.enable.title' : 'beheer.client.disable.title')}</h2>
        ${
          client.disabled
            ? html`<form method="post" action="${base}/inschakelen">
                ${csrf(web, req)}
                <button class="button" type="submit">${t(lang, 'beheer.client.enable')}</button>
              </form>`
            : html`<p>${t(lang, 'beheer.client.disable.intro')}</p>
                <form method="post" action="${base}/uitschakelen">
                  ${csrf(web, req)}
                  <button class="button button-secondary" type="submit">
                    ${t(lang, 'beheer.client.disable')}
                  </button>
                </form>`
        }

        <h2 id="wijzigen">${t(lang, 'beheer.client.change')}</h2>
        <form method="post" action="${base}/wijzigen">
          ${csrf(web, req)}
          ${textInput({ lang, name: 'naam', label: t(lang, 'beheer.client.name'), value: o.naam ?? client.name, error: errors.naam, maxlength: 200, autocomplete: 'off', required: true })}
          ${textarea({ lang, name: 'redirectUris', label: t(lang, 'beheer.client.redirect_uris'), hint: t(lang, 'beheer.client.redirect_uris.hint'), value: o.redirectUris ?? client.redirectUris.join('\n'), error: errors.redirectUris, rows: 3 })}
          <button class="button" type="submit">${t(lang, 'beheer.client.change.submit')}</button>
        </form>

        <h2 id="aanmeldingen">${t(lang, 'beheer.client.logins')}</h2>
        ${
          logins.length === 0
            ? html`<p>${t(lang, 'beheer.client.logins.none')}</p>`
            : html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="aanmeldingen">
                <table>
                  <caption>
                    ${t(lang, 'beheer.client.logins.caption', { n: String(logins.length) })}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">${t(lang, 'beheer.audit.at')}</th>
                      <th scope="col">${t(lang, 'portal.mijn.dezi_nummer')}</th>
                      <th scope="col">${t(lang, 'beheer.audit.abonnee')}</th>
                      <th scope="col">${t(lang, 'beheer.means.name')}</th>
                      <th scope="col">${t(lang, 'beheer.audit.outcome')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${logins.map((r) => loginRow(lang, r))}
                  </tbody>
                </table>
              </div>`
        }
        <p><a href="/beheer/audit?client=${client.clientId}">${t(lang, 'beheer.client.audit')}</a></p>`,
    });
  }

  app.get('/beheer/zorgapplicaties/:clientId', async (req, reply) => {
    const client = await clientOf(d.db, req);
    if (!client) return beheerProblem(web, req, reply, 404, 'not_found', '/beheer/zorgapplicaties');
    return clientPage(req, reply, client);
  });

  app.post('/beheer/zorgapplicaties/:clientId/wijzigen', async (req, reply) => {
    const client = await clientOf(d.db, req);
    if (!client) return beheerProblem(web, req, reply, 404, 'not_found', '/beheer/zorgapplicaties');
    const lang = web.lang(req, reply);
    const naam = field(req, 'naam', 200);
    const redirectText = field(req, 'redirectUris', 8000);
    const errors: FieldErrors = {};
    const naamError = checkName(lang, naam);
    if (naamError) errors.naam = naamError;
    const redirect = parseRedirectUris(lang, redirectText);
    if ('error' in redirect) errors.redirectUris = redirect.error;
    if (Object.keys(errors).length === 0 && 'uris' in redirect) {
      try {
        await updateClient(
          d.provider,
          d.db,
          client.clientId,
          { clientName: naam, redirectUris: redirect.uris },
          operatorOf(req).actor,
        );
        return reply.redirect(`/beheer/zorgapplicaties/${client.clientId}?melding=gewijzigd`, 303);
      } catch (err) {
        if (!(err instanceof oidcErrors.InvalidClientMetadata)) throw err;
        const { field: which, key } = refusalOf(err.error_description ?? err.message);
        errors[which === 'redirectUris' ? 'redirectUris' : 'naam'] = t(lang, key);
      }
    }
    return clientPage(req, reply, client, { naam, redirectUris: redirectText, errors, status: 400 });
  });

  app.post('/beheer/zorgapplicaties/:clientId/uitschakelen', async (req, reply) => {
    const client = await clientOf(d.db, req);
    if (!client) return beheerProblem(web, req, reply, 404, 'not_found', '/beheer/zorgapplicaties');
    const lang = web.lang(req, reply);
    if (field(req, 'bevestigd', 2) !== 'ja') {
      // Nobody can log in to the zorgapplicatie while it is disabled: asked first (WCAG 3.3.4).
      return beheerPage(web, req, reply, {
        title: t(lang, 'beheer.client.disable.confirm_title'),
        section: 'zorgapplicaties',
        body: html`<h1>${t(lang, 'beheer.client.disable.confirm_title')}</h1>
          <p>${t(lang, 'beheer.client.disable.confirm', { naam: client.name })}</p>
          <form method="post" action="/beheer/zorgapplicaties/${client.clientId}/uitschakelen">
            ${csrf(web, req)}
            <input type="hidden" name="bevestigd" value="ja" />
            <button class="button" type="submit">${t(lang, 'beheer.client.disable.yes')}</button>
          </form>
          <p><a href="/beheer/zorgapplicaties/${client.clientId}">${t(lang, 'beheer.cancel')}</a></p>`,
      });
    }
    await setClientDisabled(d.provider, d.db, client.clientId, true, operatorOf(req).actor);
    return reply.redirect(`/beheer/zorgapplicaties/${client.clientId}?melding=uitgeschakeld`, 303);
  });

  app.post('/beheer/zorgapplicaties/:clientId/inschakelen', async (req, reply) => {
    const client = await clientOf(d.db, req);
    if (!client) return beheerProblem(web, req, reply, 404, 'not_found', '/beheer/zorgapplicaties');
    await setClientDisabled(d.provider, d.db, client.clientId, false, operatorOf(req).actor);
    return reply.redirect(`/beheer/zorgapplicaties/${client.clientId}?melding=ingeschakeld`, 303);
  });
}
