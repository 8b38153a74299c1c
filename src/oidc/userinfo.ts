// Userinfo as the koppelvlak specifies: application/jwt, a JWE (RSA-OAEP, A256CBC-HS512) to the
// client's registered encryption key, around an envelope JWT signed by Dezi, around the
// Dezi-verklaring. Written here rather than by oidc-provider so that every header and claim is
// exactly the published one.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CompactEncrypt, SignJWT, importJWK, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import type { Secrets } from '../secrets.ts';
import { encryptionKeyOf } from './clients.ts';
import type { SigningKey } from './keys.ts';
import { subjectFor, USERINFO_PATH } from './provider.ts';

export const ENVELOPE_LIFETIME_SECONDS = 300;

/** What the broker recorded for a grant; provided by the broker at composition. */
export interface LoginRecord {
  personId: string;
  loaAuthn: string;
  verklaring: { id: string; jws: string };
}

export interface UserinfoDeps {
  issuer: string;
  provider: Provider;
  secrets: Secrets;
  signingKey: () => SigningKey;
  loginForGrant: (grantId: string) => Promise<LoginRecord | null>;
  onDelivered?: (e: { clientId: string; personId: string; verklaringId: string }) => Promise<void>;
}

export function envelopeSchemaUri(issuer: string): string {
  return `${issuer}/json_schemas/v1/envelope.json`;
}

class BearerError extends Error {
  readonly status: number;
  readonly error: string;
  constructor(status: number, error: string, description: string) {
    super(description);
    this.status = status;
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
      const encJwk = encryptionKeyOf(client.metadata().jwks);
      if (!encJwk) throw new BearerError(401, 'invalid_token', 'client has no encryption key registered');

      const key = d.signingKey();
      const now = Math.floor(Date.now() / 1000);
      const envelope = await new SignJWT({
        loa_authn: login.loaAuthn,
        json_schema: envelopeSchemaUri(d.issuer),
        verklaring_id: login.verklaring.id,
        verklaring: login.verklaring.jws,
      })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
        .setJti(randomUUID())
        .setIssuedAt(now)
        .setExpirationTime(now + ENVELOPE_LIFETIME_SECONDS)
        .setIssuer(d.issuer)
        .setAudience(client.clientId)
        .setSubject(subjectFor(d.secrets, login.personId, client))
        .sign(key.privateKey);

      const jwe = await new CompactEncrypt(new TextEncoder().encode(envelope))
        .setProtectedHeader({
          alg: 'RSA-OAEP',
          enc: 'A256CBC-HS512',
          kid: (encJwk as JWK).kid,
          typ: 'JWT',
          cty: 'JWT',
        })
        .encrypt(await importJWK(encJwk as JWK, 'RSA-OAEP'));

      await d.onDelivered?.({
        clientId: client.clientId,
        personId: login.personId,
        verklaringId: login.verklaring.id,
      });
      return reply.header('cache-control', 'no-store').type('application/jwt').send(jwe);
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
