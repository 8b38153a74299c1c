// Userinfo as the koppelvlak specifies (§4.3): application/jwt, the envelope JWT signed with the
// id_token key around the Dezi-verklaring; encrypted (JWE, RSA-OAEP) to the key or certificate the
// system registered, or, for a system that registered none, the signed envelope itself. Written here
// rather than by oidc-provider so that every header and claim is exactly the published one.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CompactEncrypt, CompactSign, importJWK, type CryptoKey, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import type { Secrets } from '../secrets.ts';
import { USERINFO_ALG, userinfoEncryptionOf, userinfoSigningAlgOf } from './clients.ts';
import type { IdTokenAlg, SigningKey } from './keys.ts';
import { subjectFor, USERINFO_PATH } from './provider.ts';
import { DeziError } from '../errors.ts';

export const ENVELOPE_LIFETIME_SECONDS = 300;

/** What the broker recorded for a grant; provided by the broker at composition. */
export interface LoginRecord {
  personId: string;
  loaAuthn: string;
  verklaring: { id: string; jws: string };
}

export interface UserinfoDeps {
  issuer: string;
  /** The envelope's json_schema (…/userinfo.json). */
  schemaUri: string;
  provider: Provider;
  secrets: Secrets;
  /** The key that signs now for this algorithm (RS256 unless the client registered another). */
  signingKey: (alg: IdTokenAlg) => SigningKey;
  loginForGrant: (grantId: string) => Promise<LoginRecord | null>;
  onDelivered?: (e: { clientId: string; personId: string; verklaringId: string }) => Promise<void>;
}

/** The envelope's payload, its members in the order of spec §4.3.5 (sub after aud: ours, for the RP's check). */
export function envelopePayload(e: {
  issuer: string;
  clientId: string;
  sub: string;
  loaAuthn: string;
  schemaUri: string;
  verklaring: { id: string; jws: string };
  now: number;
}): string {
  return JSON.stringify({
    jti: randomUUID(),
    iat: e.now,
    exp: e.now + ENVELOPE_LIFETIME_SECONDS,
    iss: e.issuer,
    aud: e.clientId,
    sub: e.sub,
    loa_authn: e.loaAuthn,
    json_schema: e.schemaUri,
    verklaring_id: e.verklaring.id,
    verklaring: e.verklaring.jws,
  });
}

/** Imported encryption keys by client and kid: importing an RSA key costs more than using it. */
const encryptionKeys = new Map<string, CryptoKey>();

async function encryptionKey(clientId: string, jwk: JWK): Promise<CryptoKey> {
  const id = `${clientId}\n${jwk.kid}\n${jwk.n}`;
  let key = encryptionKeys.get(id);
  if (!key) {
    key = (await importJWK({ kty: 'RSA', n: jwk.n, e: jwk.e }, USERINFO_ALG)) as CryptoKey;
    if (encryptionKeys.size >= 1000) encryptionKeys.clear();
    encryptionKeys.set(id, key);
  }
  return key;
}

class BearerError extends DeziError {
  readonly error: string;
  constructor(status: number, error: string, description: string) {
    super(description, { status, expose: true, oauthError: error });
    this.error = error;
  }
}

function bearerToken(req: FastifyRequest): string {
  const header = req.headers.authorization;
  if (header === undefined) throw new BearerError(401, 'invalid_token', 'no access token');
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(header);
  if (!match) throw new BearerError(400, 'invalid_request', 'Authorization header must be "Bearer <token>"');
  if (match[1]!.length > 2048) throw new BearerError(401, 'invalid_token', 'access token too long');
  return match[1]!;
}

export async function userinfoRoutes(app: FastifyInstance, d: UserinfoDeps): Promise<void> {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      const value = bearerToken(req);
      const token = await d.provider.AccessToken.find(value);
      if (!token || token.isExpired)
        throw new BearerError(401, 'invalid_token', 'access token invalid or expired');
      if (!token.scopes.has('openid'))
        throw new BearerError(403, 'insufficient_scope', 'openid scope required');
      if (token.jkt || token['x5t#S256']) {
        throw new BearerError(401, 'invalid_token', 'sender-constrained tokens are not supported here');
      }
      if (token.expiresWithSession) {
        const session = token.sessionUid ? await d.provider.Session.findByUid(token.sessionUid) : undefined;
        if (!session) throw new BearerError(401, 'invalid_token', 'the session of this token has ended');
      }
      const client = await d.provider.Client.find(token.clientId!);
      if (!client) throw new BearerError(401, 'invalid_token', 'client no longer registered');
      const login = token.grantId ? await d.loginForGrant(token.grantId) : null;
      if (!login || login.personId !== token.accountId) {
        throw new BearerError(401, 'invalid_token', 'access token no longer valid for this identity');
      }
      const metadata = client.metadata() as Record<string, unknown>;
      const encryption = userinfoEncryptionOf(metadata);
      const notAfter = encryption?.certificateNotAfter ?? null;
      if (notAfter !== null && notAfter <= Date.now()) {
        throw new BearerError(
          401,
          'invalid_token',
          `the encryption certificate registered for this client expired on ${new Date(notAfter).toISOString()}; register a new one`,
        );
      }

      const key = d.signingKey(userinfoSigningAlgOf(metadata));
      const envelope = await new CompactSign(
        new TextEncoder().encode(
          envelopePayload({
            issuer: d.issuer,
            clientId: client.clientId,
            sub: subjectFor(d.secrets, login.personId, client),
            loaAuthn: login.loaAuthn,
            schemaUri: d.schemaUri,
            verklaring: login.verklaring,
            now: Math.floor(Date.now() / 1000),
          }),
        ),
      )
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
        .sign(key.privateKey);

      // A system that registered no encryption key gets the signed envelope (spec §4.3: public
      // client code accepts both); one that did gets it encrypted, header alg, enc, kid, typ, cty.
      const body = encryption
        ? await new CompactEncrypt(new TextEncoder().encode(envelope))
            .setProtectedHeader({
              alg: USERINFO_ALG,
              enc: encryption.enc,
              ...(typeof encryption.jwk.kid === 'string' ? { kid: encryption.jwk.kid } : {}),
              typ: 'JWT',
              cty: 'JWT',
            })
            .encrypt(await encryptionKey(client.clientId, encryption.jwk as JWK))
        : envelope;

      await d.onDelivered?.({
        clientId: client.clientId,
        personId: login.personId,
        verklaringId: login.verklaring.id,
      });
      return reply.header('cache-control', 'no-store').type('application/jwt').send(body);
    } catch (err) {
      if (!(err instanceof BearerError)) throw err;
      reply
        .header(
          'www-authenticate',
          `Bearer realm="${d.issuer}", error="${err.error}", error_description="${err.message}"`,
        )
        .header('cache-control', 'no-store');
      return reply.code(err.status).send({ error: err.error, error_description: err.message });
    }
  };
  app.get(USERINFO_PATH, handler);
  app.post(USERINFO_PATH, handler);
}
