// The Dezi-verklaring as an SD-JWT VC (RFC 9901 / SD-JWT VC, media type dc+sd-jwt), HAIP's profile:
// ES256, the issuer's x5c chain in the header, the holder's key in cnf.jwk, the status list entry in
// status.status_list. The claims are the verklaring's, flat (the NL wallet renders no nested claims);
// name parts, abonnee and role are selectively disclosable, the Dezi-nummer and level always shown.
//
// SD-JWT encoding is @sd-jwt's; this file decides what goes in and checks what comes in from a wallet.
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { digest, ES256 } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance, type SdJwtVcPayload } from '@sd-jwt/sd-jwt-vc';
import type { DisclosureFrame } from '@sd-jwt/types';
import { DeziError } from '../errors.ts';

/** The verklaring's claims that a credential carries (koppelvlak.md), as the verklaring has them. */
export interface VerklaringClaims {
  verklaring_id: string;
  dezi_nummer: string;
  loa_dezi: string;
  voorletters: string;
  voorvoegsel: string | null;
  achternaam: string;
  abonnee_nummer: string;
  abonnee_naam: string;
  rol_code: string | null;
  rol_naam: string | null;
  rol_code_bron: string | null;
}

/**
 * The verklaring's claims a credential carries, in the verklaring's order. Its other members (iss, jti,
 * nbf, exp, json_schema, status_uri) are the verklaring's own envelope: the credential has its own.
 */
export const CREDENTIAL_CLAIMS = [
  'verklaring_id',
  'dezi_nummer',
  'loa_dezi',
  'voorletters',
  'voorvoegsel',
  'achternaam',
  'abonnee_nummer',
  'abonnee_naam',
  'rol_code',
  'rol_naam',
  'rol_code_bron',
] as const satisfies readonly (keyof VerklaringClaims)[];

/** Always shown: who, at which level, which verklaring. */
const ALWAYS_SHOWN: readonly (keyof VerklaringClaims)[] = ['verklaring_id', 'dezi_nummer', 'loa_dezi'];

/** Disclosable, the rest: what a verifier should have to ask for (name parts, abonnee, role). */
export const DISCLOSABLE: readonly (keyof VerklaringClaims)[] = CREDENTIAL_CLAIMS.filter(
  (name) => !ALWAYS_SHOWN.includes(name),
);

/** The issuer's signing key and the certificate chain that names it (leaf first, as x5c). */
export interface IssuerKey {
  privateJwk: JWK;
  x5c: string[];
}

/** A holder key that cannot be bound: the wallet's proof named something else than a P-256 public key. */
export class HolderKeyError extends DeziError {
  override name = 'HolderKeyError';
}

/** The holder's public key as cnf.jwk may carry it (only the public members), and its thumbprint. */
export async function holderKey(jwk: unknown): Promise<{ jwk: JWK; jkt: string }> {
  const k = jwk as Record<string, unknown> | null;
  if (typeof k !== 'object' || k === null || Array.isArray(k))
    throw new HolderKeyError('the holder key is not a JWK', { status: 400, expose: true });
  if ('d' in k) throw new HolderKeyError('the holder key is a private key', { status: 400, expose: true });
  if (k.kty !== 'EC' || k.crv !== 'P-256' || typeof k.x !== 'string' || typeof k.y !== 'string')
    throw new HolderKeyError('the holder key must be an EC P-256 key (HAIP)', { status: 400, expose: true });
  const publicJwk: JWK = { kty: 'EC', crv: 'P-256', x: k.x, y: k.y };
  return { jwk: publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

/**
 * Salts of 128 bits, base64url (RFC 9901 §4.2.1 asks for at least 128); the library's own generator
 * is given a length in hex digits and would make 64 here.
 */
const salt = () => randomBytes(16).toString('base64url');

export interface CredentialInput {
  claims: VerklaringClaims;
  holderJwk: JWK;
  status: { idx: number; uri: string };
  iss: string;
  vct: string;
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
  key: IssuerKey;
}

/** The issued credential: the SD-JWT with a disclosure per disclosable claim, compact (`~`-separated). */
export async function issueVerklaringCredential(input: CredentialInput): Promise<string> {
  const sdjwt = new SDJwtVcInstance({
    signer: await ES256.getSigner(input.key.privateJwk),
    signAlg: ES256.alg,
    hasher: digest,
    hashAlg: 'sha-256',
    saltGenerator: salt,
  });
  const claims: Record<string, unknown> = {};
  // Only the claims a credential carries, whatever else the source has; a claim with no value (no
  // voorvoegsel, no role) is left out, not disclosed as null.
  for (const name of CREDENTIAL_CLAIMS) {
    const value = input.claims[name];
    if (value !== null && value !== undefined) claims[name] = value;
  }
  const payload: SdJwtVcPayload = {
    iss: input.iss,
    iat: input.iat,
    nbf: input.iat,
    exp: input.exp,
    vct: input.vct,
    cnf: { jwk: input.holderJwk },
    status: { status_list: input.status },
    ...claims,
  };
  const frame = { _sd: DISCLOSABLE.filter((n) => n in claims) } as DisclosureFrame<SdJwtVcPayload>;
  return sdjwt.issue(payload, frame, { header: { x5c: input.key.x5c } });
}
