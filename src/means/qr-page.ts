// The page a means shows while an app on a phone answers (Yivi, a wallet): a QR code for an app on
// another device, a link that opens it on this one (first on a phone), a status line the small poll
// script updates, "continue" for a browser without JavaScript, and the way back to the other means.
// One page for both, so that they look and behave alike; each means brings its own words (a message
// prefix) and its own links.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { alert, buttonGroup, linkButton } from '../web/components.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { t, type MessageKey } from '../web/i18n.ts';
import { POLL_SCRIPT } from '../web/static.ts';
import { isPhone, type Web } from '../web/web.ts';

/** The words of one means' page: `${prefix}.title`, `.intro`, `.qr.alt`, `.this_phone`, … */
export type QrPagePrefix = 'yivi' | 'walletlogin';

/**
 * "Annuleren / ander inlogmiddel": back to "Hoe wilt u inloggen?" of this login, the broker's page the
 * callback URL belongs to (…/interaction/<uid>/callback/<means>).
 */
export function choicePath(callbackUrl: string): string {
  const path = new URL(callbackUrl).pathname;
  const at = path.indexOf('/callback/');
  return at > 0 ? path.slice(0, at) : '/';
}

export function qrPage(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  o: {
    prefix: QrPagePrefix;
    /** The page's own path: its QR code, status and "continue" are below it. */
    path: string;
    /** What opens the app on this device. */
    appLink: string;
    callbackUrl: string;
    /** "Continue" was chosen before the app answered. */
    notDone: boolean;
    /** Proeftuin only: links to the stand-in app. */
    extra?: SafeHtml | '';
  },
) {
  const lang = web.lang(req, reply);
  const k = (suffix: string) => t(lang, `${o.prefix}.${suffix}` as MessageKey);
  const qr = html`<p>
    <img class="dezi-yivi-qr" src="${o.path}/qr.svg" width="240" height="240" alt="${k('qr.alt')}" />
  </p>`;
  // On a phone the app is on this device: opening it is the main action, the QR code the
  // alternative (the app on another phone). Elsewhere the other way round.
  const phone = isPhone(req);
  const openApp = linkButton({
    href: o.appLink,
    label: k('open_app'),
    variant: phone ? 'primary' : 'secondary',
  });
  const body = html`<h1>${k('title')}</h1>
    ${o.notDone ? alert({ type: 'error', body: k('not_done') }) : ''}
    ${
      phone
        ? html`<p>${k('this_phone')}</p>
            ${buttonGroup(openApp)}
            <p>${k('other_device')}</p>
            ${qr}`
        : html`<p>${k('intro')}</p>
            ${qr}
            <p>${k('this_phone')}</p>
            ${buttonGroup(openApp)}`
    }
    <p id="${o.prefix}-status" role="status">${k('waiting')}</p>
    ${buttonGroup(
      linkButton({
        href: `${o.path}/verder`,
        label: k('continue'),
        variant: phone ? 'secondary' : 'primary',
      }),
    )}
    ${o.extra ?? ''}
    <p><a href="${choicePath(o.callbackUrl)}">${t(lang, 'means.choose_other')}</a></p>
    <script
      src="${POLL_SCRIPT}"
      data-status-url="${o.path}/status"
      data-continue-url="${o.path}/verder"
      defer
    ></script>`;
  return web.render(req, reply, { lang, title: k('title'), body });
}
