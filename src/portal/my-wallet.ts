// Mijn Dezi's "Mijn wallet": per active employment "Zet in mijn wallet", which shows a credential offer
// as a QR code (a wallet on another device) and a link (this device) with the transaction code the
// wallet asks for; and the credentials the person put in wallets, with their status and a button to
// revoke one (a lost phone). Offers need a login at level high, as the verklaring itself does.
import type { FastifyInstance } from 'fastify';
import { renderSVG } from 'uqr';
import { LOA } from '../means/loa.ts';
import { roleLabel } from '../register/roles.ts';
import { alert, dataTable, visuallyHidden } from '../web/components.ts';
import { escapeHtml, html, SafeHtml } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import { isPhone } from '../web/web.ts';
import type { Employment } from '../register/register.ts';
import type { WalletIssuance } from '../wallet/issuance.ts';
import type { WalletCredentials } from '../wallet/credentials.ts';
import { OFFER_SECONDS } from '../wallet/issuance.ts';
import { button, buttonGroup, csrfField, field, linkButton } from './forms.ts';
import { personActor, sessionBinding } from './mijn-dezi.ts';
import { formatMoment } from './format.ts';
import { personPage, personPost, type PersonDeps } from './person-pages.ts';

export const MY_WALLET_PATH = '/mijn-dezi/wallet';

export interface MyWalletDeps extends PersonDeps {
  wallet: { issuance: WalletIssuance; credentials: WalletCredentials } | null;
}

/**
 * One form per employment with "Zet in mijn wallet": for an offer here, and for a wallet's
 * authorization request (wallet-authorize.ts), whose form carries its request in `hidden`.
 */
export function employmentChoice(
  lang: Lang,
  employments: Employment[],
  action: string,
  hidden: SafeHtml,
): SafeHtml {
  return html`<ul class="dezi-plain-list">
    ${employments.map(
      (e) =>
        html`<li>
          <form method="post" action="${action}">
            ${hidden}<input type="hidden" name="employment" value="${e.id}" />
            <p>
              ${e.abonnee.naam} (URA ${e.abonnee.abonneeNummer}):
              ${e.rolCode ? roleLabel(e.rolCode) : t(lang, 'choose.norole')}
            </p>
            ${buttonGroup(
              button({
                label: html`${t(lang, 'wallet.put')}
                ${visuallyHidden(t(lang, 'wallet.put_for', { abonnee: e.abonnee.naam }))}`,
              }),
            )}
          </form>
        </li>`,
    )}
  </ul>`;
}

export async function myWalletRoutes(app: FastifyInstance, d: MyWalletDeps): Promise<void> {
  const { web } = d;
  const wallet = d.wallet;
  if (!wallet) return; // no wallet issuer configured: no pages, and Mijn Dezi links none

  personPage(app, d, MY_WALLET_PATH, async (req, reply, { session, person }, lang) => {
    const csrf = csrfField(web, sessionBinding(session));
    const [employments, credentials] = await Promise.all([
      d.register.employmentsOfPerson(person.id),
      wallet.credentials.ofPerson(person.id),
    ]);
    const byId = new Map(employments.map((e) => [e.id, e]));
    const active = employments.filter((e) => e.status === 'active' && e.abonnee.status === 'active');
    const revoked = (req.query as Record<string, unknown>).melding === 'ingetrokken';
    const status = (c: (typeof credentials)[number]) =>
      c.status === 'ingetrokken' && c.revocationReason === 'holder_revoked'
        ? `${t(lang, 'my_verklaringen.status.ingetrokken')}: ${t(lang, 'wallet.reason.holder_revoked')}`
        : t(lang, `my_verklaringen.status.${c.status}`);
    const body = html`<h1>${t(lang, 'wallet.title')}</h1>
      ${revoked ? alert({ type: 'ok', body: t(lang, 'wallet.revoked') }) : ''}
      <p>${t(lang, 'wallet.intro')}</p>
      <h2>${t(lang, 'wallet.employments')}</h2>
      ${
        active.length === 0
          ? html`<p>${t(lang, 'wallet.no_employments')}</p>`
          : employmentChoice(lang, active, `${MY_WALLET_PATH}/aanbod`, csrf)
      }
      <h2>${t(lang, 'wallet.credentials')}</h2>
      ${
        credentials.length === 0
          ? html`<p>${t(lang, 'wallet.none')}</p>`
          : html`<p>${t(lang, 'wallet.revoke_hint')}</p>
              ${dataTable({
                id: 'wallet',
                caption: t(lang, 'wallet.caption', { n: String(credentials.length) }),
                columns: [
                  t(lang, 'portal.abonnee'),
                  t(lang, 'wallet.col.issued'),
                  t(lang, 'wallet.col.valid_until'),
                  t(lang, 'portal.status'),
                  t(lang, 'wallet.col.action'),
                ],
                rows: credentials.map((c) => {
                  const e = byId.get(c.employmentId);
                  return [
                    e ? `${e.abonnee.naam} (URA ${e.abonnee.abonneeNummer})` : '',
                    formatMoment(c.issuedAt, lang),
                    formatMoment(c.expiresAt, lang),
                    status(c),
                    c.status === 'actief'
                      ? html`<form method="post" action="${MY_WALLET_PATH}/intrekken">
                          ${csrf}<input type="hidden" name="id" value="${c.id}" />
                          ${button({ label: t(lang, 'wallet.revoke'), variant: 'destructive' })}
                        </form>`
                      : '',
                  ];
                }),
              })}`
      }
      <p><a href="/mijn-dezi">${t(lang, 'portal.back')}</a></p>`;
    return web.render(req, reply, { lang, title: t(lang, 'wallet.title'), body });
  });

  personPost(app, d, `${MY_WALLET_PATH}/aanbod`, async (req, reply, { session, person }, lang) => {
    if (session.loaAuthn !== LOA.high)
      return problem(req, reply, 403, 'wallet.high_needed.title', 'wallet.high_needed.body', lang);
    const offer = await wallet.issuance.createOffer(person, field(req, 'employment', 36));
    if (!offer) return problem(req, reply, 409, 'wallet.not_active.title', 'wallet.not_active.body', lang);
    const { employment } = offer;
    const abonnee = employment.abonnee.naam;
    // The offer carries a one-time code: the page is not kept by the browser or anything between.
    reply.header('cache-control', 'no-store');
    // Inline, not an image URL: the offer is a one-time secret and stays out of URLs and logs.
    const qrLabel = escapeHtml(t(lang, 'wallet.offer.qr_alt', { abonnee }));
    const qr = new SafeHtml(
      renderSVG(offer.offer, { ecc: 'M', border: 2 }).replace(
        '<svg ',
        `<svg role="img" aria-label="${qrLabel}" class="dezi-wallet-qr" `,
      ),
    );
    const body = html`<h1>${t(lang, 'wallet.offer.title')}</h1>
      <p>
        ${t(lang, 'wallet.offer.for', {
          abonnee,
          role: employment.rolCode ? roleLabel(employment.rolCode) : t(lang, 'choose.norole'),
        })}
      </p>
      ${
        // On a phone the wallet app is on this device: opening it is the main action, the QR code
        // the alternative (the app on another phone). Elsewhere the other way round, as for Yivi.
        isPhone(req)
          ? html`<p>${t(lang, 'wallet.offer.same_device')}</p>
              ${buttonGroup(linkButton({ href: offer.offer, label: t(lang, 'wallet.offer.open') }))}
              <p>${t(lang, 'wallet.offer.other_device')}</p>
              <p>${qr}</p>`
          : html`<p>${t(lang, 'wallet.offer.scan')}</p>
              <p>${qr}</p>
              <p>${t(lang, 'wallet.offer.same_device')}</p>
              ${buttonGroup(
                linkButton({ href: offer.offer, label: t(lang, 'wallet.offer.open'), variant: 'secondary' }),
              )}`
      }
      <p>${t(lang, 'wallet.offer.code')}</p>
      <p class="dezi-wallet-code"><strong id="tx-code">${offer.txCode}</strong></p>
      <p>${t(lang, 'wallet.offer.once', { minutes: String(OFFER_SECONDS / 60) })}</p>
      ${
        web.proeftuin
          ? alert({
              type: 'info',
              body: html`<p class="nl-paragraph">
                ${t(lang, 'wallet.offer.proeftuin')}
                <a href="/proeftuin/wallet">${t(lang, 'testwallet.title')}</a>
              </p>`,
            })
          : ''
      }
      <p><a href="${MY_WALLET_PATH}">${t(lang, 'wallet.offer.back')}</a></p>`;
    return web.render(req, reply, { lang, title: t(lang, 'wallet.offer.title'), body });
  });

  personPost(app, d, `${MY_WALLET_PATH}/intrekken`, async (req, reply, { person }) => {
    const done = await wallet.credentials.revokeOwn(person.id, field(req, 'id', 36), personActor(person));
    return reply.redirect(done ? `${MY_WALLET_PATH}?melding=ingetrokken` : MY_WALLET_PATH, 303);
  });

  function problem(
    req: Parameters<typeof web.renderProblem>[0],
    reply: Parameters<typeof web.renderProblem>[1],
    status: number,
    titleKey: 'wallet.high_needed.title' | 'wallet.not_active.title',
    bodyKey: 'wallet.high_needed.body' | 'wallet.not_active.body',
    lang: Lang,
  ) {
    return web.renderProblem(req, reply, {
      status,
      titleKey,
      bodyKey,
      actions: html`<p><a href="${MY_WALLET_PATH}">${t(lang, 'wallet.offer.back')}</a></p>`,
    });
  }
}
