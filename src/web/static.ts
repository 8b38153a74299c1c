// The files every page needs, served by Dezi itself (the CSP allows 'self' only; no CDN): the NL Design
// System's stylesheets from node_modules (the Rijkshuisstijl community's design tokens and components),
// Dezi's own layout glue, and the icons drawn for Dezi. Read once at start. A page links each
// stylesheet with its content's hash in the URL, so a browser may keep it for a year: a new version is
// a new URL.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Stylesheets } from './layout.ts';

const require = createRequire(import.meta.url);

interface Asset {
  path: string;
  type: string;
  body: Buffer;
  hash: string;
}

function asset(path: string, type: string, file: string): Asset {
  const body = readFileSync(file);
  return { path, type, body, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) };
}

const CSS = 'text/css; charset=utf-8';

const ASSETS: Asset[] = [
  asset(
    '/static/nlds/design-tokens.css',
    CSS,
    require.resolve('@rijkshuisstijl-community/design-tokens/dist/index.css'),
  ),
  asset(
    '/static/nlds/components.css',
    CSS,
    require.resolve('@rijkshuisstijl-community/components-css/dist/index.css'),
  ),
  asset('/static/dezi.css', CSS, join(import.meta.dirname, 'static', 'dezi.css')),
  // The QR pages' status poll (Yivi, the wallet).
  asset('/static/poll.js', 'text/javascript; charset=utf-8', join(import.meta.dirname, 'static', 'poll.js')),
];

const ICON_DIR = join(import.meta.dirname, 'static', 'icons');
const ICONS: Asset[] = readdirSync(ICON_DIR)
  .filter((f) => f.endsWith('.svg'))
  .map((f) => asset(`/static/icons/${f}`, 'image/svg+xml', join(ICON_DIR, f)));

const byPath = (path: string) => ASSETS.find((a) => a.path === path)!;
const versioned = (a: Asset) => `${a.path}?v=${a.hash}`;

/** The stylesheets' URLs as the pages link them (with their version). */
export const STYLESHEETS: Stylesheets = {
  tokens: versioned(byPath('/static/nlds/design-tokens.css')),
  components: versioned(byPath('/static/nlds/components.css')),
  dezi: versioned(byPath('/static/dezi.css')),
};

/** The QR pages' status poll, versioned like the stylesheets. */
export const POLL_SCRIPT = versioned(byPath('/static/poll.js'));

/** The path of an icon drawn for Dezi (src/web/static/icons), for an <img src>. */
export function iconPath(name: string): string | null {
  const icon = ICONS.find((a) => a.path === `/static/icons/${name}.svg`);
  return icon ? versioned(icon) : null;
}

const YEAR = 365 * 24 * 3600;

function send(reply: FastifyReply, a: Asset, version: unknown): FastifyReply {
  // The URL with this content's hash never changes content: cached for a year. Any other (an old
  // hash, or none) only briefly, so that a changed file is seen soon.
  const immutable = version === a.hash;
  return reply
    .type(a.type)
    .header('cache-control', immutable ? `public, max-age=${YEAR}, immutable` : 'public, max-age=3600')
    .header('etag', `"${a.hash}"`)
    .send(a.body);
}

export async function staticAssetRoutes(app: FastifyInstance): Promise<void> {
  for (const a of [...ASSETS, ...ICONS]) {
    app.get(a.path, async (req, reply) => send(reply, a, (req.query as Record<string, unknown>).v));
  }
}
