// The proeftuin's web test wallet: what a vendor's developer clicks through instead of a wallet app.
// It receives the verklaring from an offer made in Mijn Dezi (the link and the code pasted in), over
// the real protocol (OpenID4VCI with DPoP, the wallet attestation of the proeftuin's test provider and
// a key proof), keeps it per browser, and shows what it holds as a wallet would: the disclosed claims,
// the issuer's signature checked through its x5c, and the status read from the status list. It can
// also start on its own ("Ophalen door in te loggen"): the authorization code flow through Dezi's
// login, its keys and PKCE verifier kept for this browser until the login comes back.
import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { exportJWK, importX509, type JWK } from 'jose';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest, ES256 } from '@sd-jwt/crypto-nodejs';
import type { Database } from '../db/database.ts';
import { keyHash, SingleUseStore } from '../db/single-use.ts';
import {
  alert,
  button,
  buttonGroup,
  card,
  dataList,
  radioGroup,
  selectField,
  describedBy,
  errorSummary,
  formField,
  textareaField,
  textbox,
  type FieldError,
} from '../web/components.ts';
import { refuseFormPost, validFormPost } from '../web/csrf.ts';
import { html } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import { parseCookies, type Web } from '../web/web.ts';
import { formatMoment } from '../portal/format.ts';
import {
  finishAuthorization,
  newP256,
  receiveCredential,
  startAuthorization,
  testWallet,
  type KeyPair,
  type TestWallet,
} from './test-wallet-client.ts';
import { answerWith, resolveRequest } from './test-wallet-presenter.ts';
import { issueTestPid } from './test-pid-issuer.ts';
import { SEED_PERSONS } from './seed-data.ts';
import { testWalletProvider } from './test-wallet-provider.ts';

export const TEST_WALLET_PATH = '/proeftuin/wallet';
const RETURN_PATH = `${TEST_WALLET_PATH}/terug`;
/** As long as Dezi keeps the pushed request: the person logs in meanwhile. */
const LOGIN_SECONDS = 600;

/** A login in flight: the wallet's keys (TEST keys, proeftuin only) and the PKCE verifier. */
interface InFlight {
  dpop: KeyPair;
  holder: KeyPair;
  codeVerifier: string;
}
const COOKIE = 'dezi_test_wallet';
const COOKIE_SECONDS = 30 * 24 * 3600;

type Status = 'valid' | 'revoked' | 'expired' | 'unknown';

/**
 * Whether a pasted offer is one of this Dezi's, by value: the wallet then fetches only from Dezi
 * itself. A public proeftuin must not fetch whatever URL someone pastes (an offer by reference, or
 * another issuer, would make it a proxy into the network it runs in).
 */
export function ownOffer(link: string, issuer: string): boolean {
  try {
    const url = new URL(link);
    if (url.protocol !== 'openid-credential-offer:' || url.searchParams.has('credential_offer_uri'))
      return false;
    const offer = JSON.parse(url.searchParams.get('credential_offer') ?? '') as {
      credential_issuer?: unknown;
    };
    return offer.credential_issuer === issuer;
  } catch {
    return false;
  }
}

/**
 * Whether a request link is one of this Dezi's wallet logins: the wallet then fetches only from Dezi
 * itself (as ownOffer, for the same reason).
 */
export function ownRequest(link: string, issuer: string): boolean {
  try {
    const url = new URL(link);
    const requestUri = url.searchParams.get('request_uri') ?? '';
    return url.protocol === 'openid4vp:' && requestUri.startsWith(`${issuer}/means/wallet/`);
  } catch {
    return false;
  }
}

/** What the wallet shows of a credential: every claim it was given, and its status now. */
async function inspect(credential: string): Promise<{ claims: Record<string, unknown>; status: Status }> {
  const sdjwt = new SDJwtVcInstance({ hasher: digest });
  const claims = (await sdjwt.getClaims(credential)) as Record<string, unknown>;
  try {
    const [jwt] = credential.split('~');
    const header = JSON.parse(Buffer.from(jwt!.split('.')[0]!, 'base64url').toString()) as { x5c?: string[] };
    const leaf = new X509Certificate(Buffer.from(header.x5c![0]!, 'base64'));
    const jwk = await exportJWK(await importX509(leaf.toString(), 'ES256', { extractable: true }));
    const verifier = await ES256.getVerifier(jwk as Parameters<typeof ES256.getVerifier>[0]);
    await new SDJwtVcInstance({ hasher: digest, verifier, statusVerifier: verifier }).verify(credential);
    return { claims, status: 'valid' };
  } catch (err) {
    const message = (err as Error).message;
    if (/status/i.test(message)) return { claims, status: 'revoked' };
    if (/expired|exp/i.test(message)) return { claims, status: 'expired' };
    return { claims, status: 'unknown' };
  }
}

/** A browser's wallet lives as long as its cookie: thirty days after it last received something. */
export async function purgeTestWallet(db: Database): Promise<void> {
  await db.query(`DELETE FROM proeftuin_test_wallet WHERE received_at < now() - interval '30 days'`);
}

export async function testWalletRoutes(
  app: FastifyInstance,
  d: {
    issuer: string;
    db: Database;
    web: Web;
    /** The anchors a verifier's certificate must lead to (the proeftuin's TEST CA). */
    trustedVerifiers: () => Promise<X509Certificate[]>;
  },
): Promise<void> {
  const { web, db } = d;
  const logins = new SingleUseStore<InFlight>(db, 'proeftuin.test-wallet-login', LOGIN_SECONDS);
  const redirectUri = `${d.issuer}${RETURN_PATH}`;

  /** This browser's wallet id, made on the first visit. */
  function walletId(req: FastifyRequest, reply: FastifyReply): string {
    const existing = parseCookies(req.headers.cookie)[COOKIE];
    if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
    const id = randomBytes(32).toString('base64url');
    reply.header(
      'set-cookie',
      web.cookieHeader(COOKIE, id, { maxAge: COOKIE_SECONDS, path: TEST_WALLET_PATH }),
    );
    return id;
  }

  async function page(
    req: FastifyRequest,
    reply: FastifyReply,
    lang: Lang,
    o: {
      errors?: FieldError[];
      offer?: string;
      code?: string;
      status?: number;
      /** A wallet login's request to answer: what it asks, and of which verifier. */
      request?: { link: string; resolved: Awaited<ReturnType<typeof resolveRequest>> };
    } = {},
  ) {
    const id = walletId(req, reply);
    const rows = await db.query<{ id: string; credential: string; received_at: Date }>(
      'SELECT id, credential, received_at FROM proeftuin_test_wallet WHERE wallet_hash = $1 ORDER BY received_at DESC',
      [keyHash(id)],
    );
    const held = await Promise.all(rows.map(async (r) => ({ ...r, ...(await inspect(r.credential)) })));
    const errors = o.errors ?? [];
    const errorOf = (field: string) => errors.find((e) => e.id === field)?.message;
    const notice = (req.query as Record<string, unknown>).melding;
    const csrf = html`<input
      type="hidden"
      name="csrf"
      value="${web.csrfToken(`test-wallet:${keyHash(id)}`)}"
    />`;
    const request = o.request;
    const requestCard = request
      ? card(
          html`<h2>${t(lang, 'testwallet.request.title')}</h2>
            ${dataList([
              [t(lang, 'testwallet.request.verifier'), request.resolved.clientId],
              [t(lang, 'testwallet.request.claims'), request.resolved.claims.join(', ')],
            ])}
            ${
              held.length === 0
                ? html`<p>${t(lang, 'testwallet.request.none')}</p>`
                : html`<form method="post" action="${TEST_WALLET_PATH}/laten-zien" novalidate>
                    ${csrf}<input type="hidden" name="verzoek" value="${request.link}" />
                    ${radioGroup({
                      name: 'id',
                      legend: t(lang, 'testwallet.request.which'),
                      options: held.map((c) => ({
                        value: c.id,
                        label: t(lang, 'testwallet.credential', {
                          when: formatMoment(new Date(c.received_at), lang),
                        }),
                        hint: `${String(c.claims.abonnee_naam ?? '')} · ${t(lang, `testwallet.status.${c.status}`)}`,
                      })),
                      value: held[0]!.id,
                      error: errorOf('id'),
                      lang,
                    })}
                    ${buttonGroup(
                      button({
                        label: t(lang, 'testwallet.request.present'),
                        name: 'action',
                        value: 'present',
                      }),
                      button({
                        label: t(lang, 'testwallet.request.decline'),
                        name: 'action',
                        value: 'decline',
                        variant: 'secondary',
                      }),
                    )}
                  </form>`
            }`,
          { tag: 'section' },
        )
      : '';
    const pidQuery = request?.resolved.queries.find((q) => q.id === 'pid');
    const pidCard =
      request && pidQuery
        ? card(
            html`<h2>${t(lang, 'testwallet.pid.title')}</h2>
              <p>${t(lang, 'testwallet.pid.intro', { claims: pidQuery.claims.join(', ') })}</p>
              <form method="post" action="${TEST_WALLET_PATH}/laten-zien" novalidate>
                ${csrf}<input type="hidden" name="verzoek" value="${request.link}" />
                <input type="hidden" name="action" value="present-pid" />
                ${selectField({
                  id: 'person',
                  name: 'person',
                  label: t(lang, 'testwallet.pid.person'),
                  lang,
                  options: SEED_PERSONS.map((p) => ({
                    value: p.deziNummer,
                    label: [p.voorletters, p.voorvoegsel, p.achternaam].filter(Boolean).join(' '),
                  })),
                  value: SEED_PERSONS[0]!.deziNummer,
                })}
                ${buttonGroup(button({ label: t(lang, 'testwallet.pid.present') }))}
              </form>`,
            { tag: 'section' },
          )
        : '';
    const body = html`<h1>${t(lang, 'testwallet.title')}</h1>
      ${errorSummary(lang, errors)} ${requestCard} ${pidCard}
      ${notice === 'ontvangen' ? alert({ type: 'ok', body: t(lang, 'testwallet.received') }) : ''}
      ${notice === 'verwijderd' ? alert({ type: 'ok', body: t(lang, 'testwallet.removed') }) : ''}
      ${notice === 'getoond' ? alert({ type: 'ok', body: t(lang, 'testwallet.presented') }) : ''}
      ${notice === 'geweigerd' ? alert({ type: 'ok', body: t(lang, 'testwallet.declined') }) : ''}
      ${notice === 'afgewezen' ? alert({ type: 'error', body: t(lang, 'testwallet.rejected') }) : ''}
      <p>${t(lang, 'testwallet.intro')}</p>
      <form method="post" action="${TEST_WALLET_PATH}/ontvangen" novalidate>
        ${csrf}
        ${textareaField({
          id: 'offer',
          name: 'offer',
          label: t(lang, 'testwallet.offer'),
          hint: t(lang, 'testwallet.offer.hint'),
          value: o.offer ?? '',
          error: errorOf('offer'),
          rows: 3,
          maxlength: 4000,
          lang,
        })}
        ${formField({
          id: 'code',
          label: t(lang, 'testwallet.code'),
          hint: t(lang, 'testwallet.code.hint'),
          error: errorOf('code'),
          lang,
          control: textbox({
            id: 'code',
            name: 'code',
            value: o.code ?? '',
            invalid: Boolean(errorOf('code')),
            describedBy: describedBy('code', { hint: true, error: errorOf('code') }),
            maxlength: 6,
            inputmode: 'numeric',
            autocomplete: 'one-time-code',
          }),
        })}
        ${buttonGroup(button({ label: t(lang, 'testwallet.receive') }))}
      </form>
      <h2>${t(lang, 'testwallet.login.title')}</h2>
      <p>${t(lang, 'testwallet.login.intro')}</p>
      <form method="post" action="${TEST_WALLET_PATH}/inloggen">
        ${csrf} ${buttonGroup(button({ label: t(lang, 'testwallet.login'), variant: 'secondary' }))}
      </form>
      <h2>${t(lang, 'testwallet.held')}</h2>
      ${
        held.length === 0
          ? html`<p>${t(lang, 'testwallet.empty')}</p>`
          : html`<ul class="dezi-plain-list">
              ${held.map((c) =>
                card(
                  html`<h3>
                      ${t(lang, 'testwallet.credential', { when: formatMoment(new Date(c.received_at), lang) })}
                    </h3>
                    ${dataList([
                      [t(lang, 'testwallet.status'), t(lang, `testwallet.status.${c.status}`)],
                      ...Object.entries(c.claims)
                        .filter(([k]) => !['cnf', 'status', '_sd_alg'].includes(k))
                        .map(
                          ([k, v]) =>
                            [k, typeof v === 'object' ? JSON.stringify(v) : String(v)] as [string, string],
                        ),
                    ])}
                    <form method="post" action="${TEST_WALLET_PATH}/verwijderen">
                      ${csrf}<input type="hidden" name="id" value="${c.id}" />
                      ${button({ label: t(lang, 'testwallet.remove'), variant: 'destructive' })}
                    </form>`,
                ),
              )}
            </ul>`
      }`;
    if (o.status) reply.code(o.status);
    return web.render(req, reply, {
      lang,
      title: t(lang, 'testwallet.title'),
      body,
      ...(errors.length > 0 ? { error: true } : {}),
    });
  }

  /** A request of this Dezi's, fetched and checked as a wallet does; null for anything else. */
  async function ownResolved(
    link: unknown,
  ): Promise<{ link: string; resolved: Awaited<ReturnType<typeof resolveRequest>> } | null> {
    if (typeof link !== 'string' || link.length > 2000 || !ownRequest(link, d.issuer)) return null;
    try {
      return { link, resolved: await resolveRequest(link, { trusted: await d.trustedVerifiers() }) };
    } catch {
      return null;
    }
  }

  app.get(TEST_WALLET_PATH, async (req, reply) => {
    const lang = web.lang(req, reply);
    const link = (req.query as Record<string, unknown>).verzoek;
    if (link === undefined) return page(req, reply, lang);
    const request = await ownResolved(link);
    if (!request)
      return page(req, reply, lang, {
        status: 400,
        errors: [{ id: 'offer', message: t(lang, 'testwallet.error.request') }],
      });
    return page(req, reply, lang, { request });
  });

  // Present the chosen credential (or decline): the answer goes to Dezi's response_uri directly.
  app.post(`${TEST_WALLET_PATH}/laten-zien`, async (req, reply) => {
    const lang = web.lang(req, reply);
    const id = walletId(req, reply);
    if (!validFormPost(web, d.issuer, req, `test-wallet:${keyHash(id)}`))
      return refuseFormPost(web, req, reply);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const request = await ownResolved(form.verzoek);
    if (!request)
      return page(req, reply, lang, {
        status: 400,
        errors: [{ id: 'offer', message: t(lang, 'testwallet.error.request') }],
      });
    let answer: { status: number; body: Record<string, unknown> };
    const pidOf = SEED_PERSONS.find((p) => p.deziNummer === form.person);
    if (form.action === 'present-pid' && pidOf) {
      // A TEST PID made now for this test person and a new holder key: nothing with a BSN is kept.
      const holder = await newP256();
      const pid = await issueTestPid(
        {
          bsn: pidOf.bsn,
          givenName: pidOf.voorletters,
          familyName: pidOf.achternaam,
          birthdate: '1980-01-01',
        },
        holder.publicJwk,
      );
      answer = await answerWith(request.resolved, 'pid', {
        credential: pid,
        holderPrivateJwk: holder.privateJwk,
      });
    } else if (form.action === 'decline') {
      const res = await fetch(request.resolved.responseUri, {
        method: 'POST',
        body: new URLSearchParams({ error: 'access_denied' }),
      });
      answer = { status: res.status, body: {} };
    } else {
      const [held] =
        typeof form.id === 'string' && /^[0-9a-f-]{36}$/.test(form.id)
          ? await db.query<{ credential: string; holder_private_jwk: JWK }>(
              'SELECT credential, holder_private_jwk FROM proeftuin_test_wallet WHERE id = $1 AND wallet_hash = $2',
              [form.id, keyHash(id)],
            )
          : [];
      if (!held)
        return page(req, reply, lang, {
          status: 400,
          request,
          errors: [{ id: 'id', message: t(lang, 'testwallet.error.which') }],
        });
      answer = await answerWith(request.resolved, request.resolved.queryId, {
        credential: held.credential,
        holderPrivateJwk: held.holder_private_jwk,
      });
    }
    // On this device the verifier names where the browser goes on; from another device, back to the wallet.
    if (typeof answer.body.redirect_uri === 'string' && answer.body.redirect_uri.startsWith(`${d.issuer}/`))
      return reply.redirect(answer.body.redirect_uri, 303);
    const melding = form.action === 'decline' ? 'geweigerd' : answer.status === 200 ? 'getoond' : 'afgewezen';
    return reply.redirect(`${TEST_WALLET_PATH}?melding=${melding}`, 303);
  });

  app.post(`${TEST_WALLET_PATH}/ontvangen`, async (req, reply) => {
    const lang = web.lang(req, reply);
    const id = walletId(req, reply);
    if (!validFormPost(web, d.issuer, req, `test-wallet:${keyHash(id)}`))
      return refuseFormPost(web, req, reply);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const offer = typeof form.offer === 'string' ? form.offer.trim().slice(0, 4000) : '';
    const code = typeof form.code === 'string' ? form.code.trim().slice(0, 20) : '';
    const errors: FieldError[] = [];
    if (!offer.startsWith('openid-credential-offer://'))
      errors.push({ id: 'offer', message: t(lang, 'testwallet.error.offer') });
    else if (!ownOffer(offer, d.issuer))
      errors.push({ id: 'offer', message: t(lang, 'testwallet.error.other_issuer') });
    if (!/^\d{6}$/.test(code)) errors.push({ id: 'code', message: t(lang, 'testwallet.error.code') });
    if (errors.length === 0) {
      try {
        const wallet = await testWallet(await testWalletProvider());
        return await keep(reply, id, wallet, await receiveCredential(wallet, offer, code));
      } catch (err) {
        req.log.info(
          { err: { message: (err as Error).message.slice(0, 300) } },
          'test wallet: no credential',
        );
        errors.push({ id: 'offer', message: t(lang, 'testwallet.error.refused') });
      }
    }
    return page(req, reply, lang, { errors, offer, code, status: 400 });
  });

  app.post(`${TEST_WALLET_PATH}/inloggen`, async (req, reply) => {
    const id = walletId(req, reply);
    if (!validFormPost(web, d.issuer, req, `test-wallet:${keyHash(id)}`))
      return refuseFormPost(web, req, reply);
    try {
      const wallet = await testWallet(await testWalletProvider());
      const { url, codeVerifier } = await startAuthorization(wallet, d.issuer, redirectUri);
      await logins.take(id); // a login started before and not finished gives way to this one
      await logins.put(id, { dpop: wallet.dpop, holder: wallet.holder, codeVerifier });
      return reply.redirect(url, 303);
    } catch (err) {
      return loginFailed(req, reply, err);
    }
  });

  app.get(RETURN_PATH, async (req, reply) => {
    const id = walletId(req, reply);
    const inFlight = await logins.take(id);
    if (!inFlight) return loginFailed(req, reply, null);
    try {
      const wallet = await testWallet(await testWalletProvider(), inFlight);
      const redirect = `${d.issuer}${req.url}`;
      const credential = await finishAuthorization(wallet, d.issuer, { redirectUri, redirect, ...inFlight });
      return await keep(reply, id, wallet, credential);
    } catch (err) {
      return loginFailed(req, reply, err);
    }
  });

  /** The login gave no credential: the page says so, the reason goes to the log. */
  function loginFailed(req: FastifyRequest, reply: FastifyReply, err: unknown) {
    if (err)
      req.log.info({ err: { message: (err as Error).message.slice(0, 300) } }, 'test wallet: no credential');
    const lang = web.lang(req, reply);
    return page(req, reply, lang, {
      errors: [{ id: 'offer', message: t(lang, 'testwallet.error.login') }],
      status: 400,
    });
  }

  /** The credential received, kept in this browser's wallet with its holder key. */
  async function keep(reply: FastifyReply, id: string, wallet: TestWallet, credential: string) {
    await db.query(
      'INSERT INTO proeftuin_test_wallet (id, wallet_hash, credential, holder_private_jwk) VALUES ($1, $2, $3, $4)',
      [randomUUID(), keyHash(id), credential, JSON.stringify(wallet.holder.privateJwk satisfies JWK)],
    );
    return reply.redirect(`${TEST_WALLET_PATH}?melding=ontvangen`, 303);
  }

  app.post(`${TEST_WALLET_PATH}/verwijderen`, async (req, reply) => {
    const id = walletId(req, reply);
    if (!validFormPost(web, d.issuer, req, `test-wallet:${keyHash(id)}`))
      return refuseFormPost(web, req, reply);
    const credentialId = ((req.body ?? {}) as Record<string, unknown>).id;
    if (typeof credentialId === 'string' && /^[0-9a-f-]{36}$/.test(credentialId))
      await db.query('DELETE FROM proeftuin_test_wallet WHERE id = $1 AND wallet_hash = $2', [
        credentialId,
        keyHash(id),
      ]);
    return reply.redirect(`${TEST_WALLET_PATH}?melding=verwijderd`, 303);
  });
}
