// What every page-serving module shares: language choice, page rendering, CSRF tokens, cookies.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual, type Secrets } from '../secrets.ts';
import { html, type SafeHtml } from './html.ts';
import { parseLang, t, type Lang, type MessageKey } from './i18n.ts';
import { page } from './layout.ts';

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

export interface CookieOptions {
  maxAge?: number;
  path?: string;
}

export class Web {
  readonly #secrets: Secrets;
  readonly proeftuin: boolean;
  readonly secureCookies: boolean;

  constructor(secrets: Secrets, opts: { proeftuin: boolean; secureCookies: boolean }) {
    this.#secrets = secrets;
    this.proeftuin = opts.proeftuin;
    this.secureCookies = opts.secureCookies;
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

  /** ?lang= wins (and is remembered), then the cookie, then Dutch. */
  lang(req: FastifyRequest, reply?: FastifyReply): Lang {
    const fromQuery = parseLang((req.query as Record<string, unknown> | undefined)?.lang);
    if (fromQuery) {
      reply?.header('set-cookie', this.cookieHeader(LANG_COOKIE, fromQuery, { maxAge: 365 * 24 * 3600 }));
      return fromQuery;
    }
    return parseLang(parseCookies(req.headers.cookie)[LANG_COOKIE]) ?? 'nl';
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
    o: { title: string; body: SafeHtml; status?: number; lang?: Lang },
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
        }),
      );
  }

  /** A page that explains a problem to a person; never a stack trace. */
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
    },
  ): FastifyReply {
    const lang = this.lang(req, reply);
    return this.render(req, reply, {
      lang,
      status: o.status,
      title: t(lang, o.titleKey),
      body: html`<h1>${t(lang, o.titleKey)}</h1>
        <div class="notice notice-error" role="alert"><p>${t(lang, o.bodyKey, o.vars)}</p></div>
        ${o.actions ?? ''}`,
    });
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

const CSS = readFileSync(join(import.meta.dirname, 'static', 'dezi.css'));

export async function staticRoutes(app: FastifyInstance): Promise<void> {
  app.get('/static/dezi.css', async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CSS),
  );
}
