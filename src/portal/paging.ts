// Paging for the portals' long lists (staff, logins, verklaringen, audit entries): ?pagina=N in the
// address, so every page can be bookmarked and works without JavaScript, and one navigation block
// that keeps the other query parameters (search, sort) as they were.
import type { FastifyRequest } from 'fastify';
import { html, type SafeHtml } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';

export interface PageRequest {
  /** 1-based. */
  page: number;
  limit: number;
  offset: number;
}

/** The page asked for in ?pagina=; anything that is not a whole number ≥ 1 is the first page. */
export function pageRequest(req: FastifyRequest, size: number): PageRequest {
  const raw = (req.query as Record<string, unknown> | undefined)?.pagina;
  const n = typeof raw === 'string' && /^[1-9][0-9]{0,5}$/.test(raw) ? Number(raw) : 1;
  return { page: n, limit: size, offset: (n - 1) * size };
}

/** One query parameter as a trimmed string of at most max characters ('' when absent). */
export function queryParam(req: FastifyRequest, name: string, max = 100): string {
  const v = (req.query as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim().slice(0, max) : '';
}

/**
 * "Pagina 2 van 5" with links to the previous and next page; nothing when everything fits on one.
 * `base` is the list's path with its other parameters (search, sort), which the links keep.
 */
export function pager(
  lang: Lang,
  base: { path: string; params?: Record<string, string> },
  p: PageRequest,
  total: number,
): SafeHtml | '' {
  const pages = Math.max(1, Math.ceil(total / p.limit));
  if (pages === 1 && p.page === 1) return '';
  const href = (n: number) => {
    const params = new URLSearchParams(Object.entries(base.params ?? {}).filter(([, v]) => v !== ''));
    if (n > 1) params.set('pagina', String(n));
    const query = params.toString();
    return query ? `${base.path}?${query}` : base.path;
  };
  return html`<nav aria-label="${t(lang, 'paging.label')}">
    <p>
      ${t(lang, 'paging.position', { page: String(p.page), pages: String(pages) })}
      ${p.page > 1 ? html` · <a href="${href(Math.min(p.page - 1, pages))}" rel="prev">${t(lang, 'paging.previous')}</a>` : ''}
      ${p.page < pages ? html` · <a href="${href(p.page + 1)}" rel="next">${t(lang, 'paging.next')}</a>` : ''}
    </p>
  </nav>`;
}
