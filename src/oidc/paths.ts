// oidc-provider's own endpoints, listed once: provider.ts configures oidc-provider with them, the
// composition root mounts exactly these paths into Fastify, and the rate limits name them.

/** oidc-provider's `routes` setting (see provider.ts). */
export const ROUTES = {
  authorization: '/authorize',
  token: '/token',
  jwks: '/openid/connect/jwks.json',
  registration: '/register',
  pushed_authorization_request: '/par',
  end_session: '/logout',
  revocation: '/revoke',
} as const;

export const DISCOVERY_PATH = '/.well-known/openid-configuration';

/** Every path oidc-provider answers itself (Fastify route syntax), sub-paths of its routes included. */
export const PROVIDER_PATHS: readonly string[] = [
  DISCOVERY_PATH,
  ROUTES.authorization,
  `${ROUTES.authorization}/:uid`,
  ROUTES.token,
  ROUTES.jwks,
  ROUTES.registration,
  `${ROUTES.registration}/:clientId`,
  ROUTES.pushed_authorization_request,
  ROUTES.end_session,
  `${ROUTES.end_session}/confirm`,
  `${ROUTES.end_session}/success`,
  ROUTES.revocation,
];
