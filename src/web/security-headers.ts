// Dezi's security headers, defined once: the helmet plugin sets them on Fastify's pages (the main app
// and the UZI-pas certificate listener), setSecurityHeaders on responses Fastify hands over to
// another handler (oidc-provider, the proeftuin's OpenID stand-in), which helmet never sees.
import type { ServerResponse } from 'node:http';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** One Content-Security-Policy for every page, Fastify's and oidc-provider's. */
export const CSP_DIRECTIVES: Readonly<Record<string, string[]>> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
};

const CSP = Object.entries(CSP_DIRECTIVES)
  .map(([name, values]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${values.join(' ')}`)
  .join('; ');

const HSTS = { maxAge: 31536000, includeSubDomains: true };

/** Registers helmet on this Fastify instance (call it on the root, so that every route gets it). */
export async function securityHeaders(app: FastifyInstance, o: { https: boolean }): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: { ...CSP_DIRECTIVES } },
    // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on form posts,
    // and the Origin check against cross-site posts needs the real origin.
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: o.https ? HSTS : false,
  });
}

/** The headers for a response served outside Fastify's reply (after reply.hijack()). */
export function setSecurityHeaders(res: ServerResponse, https: boolean): void {
  res.setHeader('content-security-policy', CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  if (https) res.setHeader('strict-transport-security', `max-age=${HSTS.maxAge}; includeSubDomains`);
}
