// What every page-serving module shares: language choice, page rendering, CSRF tokens, cookies.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual, type Secrets } from '../secrets.ts';
import { alert, linkButton } from './components.ts';
import { html, type SafeHtml } from './html.ts';
import { parseLang, t, type Lang, type MessageKey } from './i18n.ts';
import { contactParagraph, page, type Servicedesk } from './layout.ts';
import { STYLESHEETS, staticAssetRoutes } from './static.ts';

export const LANG_COOKIE = 'dezi_lang';

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
}

/** The language an Accept-Language header asks for first among Dutch and English, or null. */
export function acceptedLang(header: string | undefined): Lang | null {
  if (!header) return null;
  let best: { lang: Lang; q: number } | null = null;
  for (const part of header.split(',')) {
    const [tag, ...params] = part.trim().split(';');
    const lang = parseLang(tag?.trim().toLowerCase().split('-')[0]);
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (lang && Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? null;
}

/** A phone, by its User-Agent: the login choice then puts what a phone can use first (no JavaScript needed). */
export function isPhone(req: FastifyRequest): boolean {
  return /Mobi|Android|iPhone/.test(req.headers['user-agent'] ?? '');
}

export interface CookieOptions {
  maxAge?: number;
  path?: string;
}

export class Web {
  readonly #secrets: Secrets;
  readonly proeftuin: boolean;
  readonly secureCookies: boolean;

  readonly servicedesk: Servicedesk;

  constructor(
    secrets: Secrets,
    opts: { proeftuin: boolean; secureCookies: boolean; servicedesk?: Servicedesk },
  ) {
    this.#secrets = secrets;
    this.proeftuin = opts.proeftuin;
    this.secureCookies = opts.secureCookies;
    this.servicedesk = opts.servicedesk ?? { email: null, phone: null };
  }

  cookieHeader(name: string, value: string, o: CookieOptions = {}): string {
    const parts = [
      `${name}=${encodeURIComponent(value)}`,
      `Path=${o.path ?? '/'}`,
      'HttpOnly',
      'SameSite=Lax',
    ];
    if (o.maxAge !== undefined) parts.push(`Max-Age=${o.maxAge}`);
    if (this.secureCookies) parts.push('Secure');
    return parts.join('; ');
  }

  /**
   * ?lang= wins (and is remembered), then the remembered choice, then the language the browser asks
   * for (Accept-Language), then Dutch.
   */
  lang(req: FastifyRequest, reply?: FastifyReply): Lang {
    const fromQuery = parseLang((req.query as Record<string, unknown> | undefined)?.lang);
    if (fromQuery) {
      reply?.header('set-cookie', this.cookieHeader(LANG_COOKIE, fromQuery, { maxAge: 365 * 24 * 3600 }));
      return fromQuery;
    }
    return (
      parseLang(parseCookies(req.headers.cookie)[LANG_COOKIE]) ??
      acceptedLang(req.headers['accept-language']) ??
      'nl'
    );
  }

  /**
   * This page's URL in the other language. The URL the browser asked for (originalUrl): a route that
   * hands the request to a mounted sub-application (the proeftuin's OpenID stand-in) rewrites req.url.
   */
  switchLangUrl(req: FastifyRequest, lang: Lang): string {
    const url = new URL(req.originalUrl, 'http://x');
    url.searchParams.set('lang', lang === 'nl' ? 'en' : 'nl');
    return `${url.pathname}${url.search}`;
  }

  render(
    req: FastifyRequest,
    reply: FastifyReply,
    o: {
      title: string;
      body: SafeHtml;
      status?: number;
      lang?: Lang;
      /** A form that came back with errors: "Fout:" before the title. */
      error?: boolean;
    },
  ): FastifyReply {
    const lang = o.lang ?? this.lang(req, reply);
    const withLink = req.method === 'GET';
    if (o.status !== undefined) reply.code(o.status);
    return reply
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(
        page({
          lang,
          title: o.title,
          body: o.body,
          switchLangUrl: withLink ? this.switchLangUrl(req, lang) : undefined,
          proeftuin: this.proeftuin,
          error: o.error ?? false,
          servicedesk: this.servicedesk,
          stylesheets: STYLESHEETS,
        }),
      );
  }

  /**
   * A page that explains a problem to a person, never a stack trace: what happened, what to do next
   * (the actions; without any, the way back to the home page), and whom to contact.
   */
  renderProblem(
    req: FastifyRequest,
    reply: FastifyReply,
    o: {
      status: number;
      titleKey: MessageKey;
      bodyKey: MessageKey;
      /** Values for the body's {placeholders}. */
      vars?: Record<string, string>;
      actions?: SafeHtml;
      /** A sentence of its own on what to do next, before the actions. */
      nextKey?: MessageKey;
    },
  ): FastifyReply {
    const lang = this.lang(req, reply);
    return this.render(req, reply, {
      lang,
      status: o.status,
      title: t(lang, o.titleKey),
      body: html`<h1>${t(lang, o.titleKey)}</h1>
        ${alert({ type: 'error', body: t(lang, o.bodyKey, o.vars) })}
        <h2>${t(lang, 'problem.next')}</h2>
        ${o.nextKey ? html`<p>${t(lang, o.nextKey)}</p>` : ''}
        ${o.actions ?? html`<p>${linkButton({ href: '/', label: t(lang, 'problem.home'), variant: 'secondary' })}</p>`}
        ${this.contact(lang)}`,
    });
  }

  /** "Lukt het niet? Neem contact op met de servicedesk", with its address and number when configured. */
  contact(lang: Lang): SafeHtml {
    return contactParagraph(lang, this.servicedesk);
  }

  /** CSRF token bound to something only the legitimate browser holds (an interaction, a mock request). */
  csrfToken(binding: string): string {
    return this.#secrets.hmac('csrf', binding);
  }

  verifyCsrf(binding: string, token: unknown): boolean {
    return typeof token === 'string' && constantTimeEqual(token, this.csrfToken(binding));
  }

  /** Rejects a cross-site form post early: when Origin is sent it must be ours. */
  sameOrigin(req: FastifyRequest, issuer: string): boolean {
    const origin = req.headers.origin;
    return origin === undefined || origin === new URL(issuer).origin;
  }
}

/** The stylesheets (NL Design System and Dezi's own), icons and favicon; see static.ts. */
export const staticRoutes = staticAssetRoutes;
