// The reference ceiling: a bare oidc-provider, its own in-memory storage, one client with
// private_key_jwt, PKCE required, an RS256 key of the size Dezi uses, and an interaction that
// completes at once. Run as a child process of the benchmark: PORT and BENCH_CLIENT (JSON) in env.
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://localhost:${port}`;
const client = JSON.parse(process.env.BENCH_CLIENT ?? '{}') as {
  client_id: string;
  redirect_uri: string;
  jwks: { keys: object[] };
};

const { privateKey } = await generateKeyPair('RS256', { modulusLength: 3072, extractable: true });
const signing = { ...(await exportJWK(privateKey)), kid: 'ref-1', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: client.client_id,
      redirect_uris: [client.redirect_uri],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: client.jwks as never,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  jwks: { keys: [signing as never] },
  cookies: { keys: ['reference-cookie-key-0123456789abcdef'] },
  async findAccount(_ctx, id) {
    return { accountId: id, claims: async () => ({ sub: id }) };
  },
  features: { devInteractions: { enabled: false }, userinfo: { enabled: true } },
  pkce: { required: () => true },
  responseTypes: ['code'],
  clientAuthMethods: ['private_key_jwt'],
  routes: { authorization: '/authorize', token: '/token', userinfo: '/userinfo', jwks: '/jwks' },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
});

// The interaction completes at once: the person is "bench", consent for openid.
provider.use(async (ctx, next) => {
  if (!ctx.path.startsWith('/interaction/')) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const grant = new provider.Grant({ accountId: 'bench', clientId: String(details.params.client_id) });
  grant.addOIDCScope('openid');
  const grantId = await grant.save();
  await provider.interactionFinished(
    ctx.req,
    ctx.res,
    { login: { accountId: 'bench' }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
  ctx.respond = false;
});

const server = createServer(provider.callback());
server.listen(port, '127.0.0.1', () => console.log(`reference ready ${issuer}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
