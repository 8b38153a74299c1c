// Configuration of one OpenID Connect login means (a market means, a hospital pass): the supplier,
// Dezi's client registration there, which claim carries the subject, and what its acr values mean.
import type { JWK } from 'jose';
import { isLoa, type LoA } from '../loa.ts';
import type { MeansCategory } from '../means.ts';
import { SUBJECT_KINDS, type SubjectKind } from '../subject.ts';
import { MEANS_CATEGORIES, MeansConfigError, upstreamUrlProblem } from '../means-config.ts';

export interface OidcMeansConfig {
  /** Means id in Dezi, e.g. "kpn-zorgidentiteit"; also in the fixed redirect URI. */
  id: string;
  displayName: { nl: string; en: string };
  category: MeansCategory;
  issuer: string;
  clientId: string;
  /** Dezi's private signing key for private_key_jwt at this supplier (a JWK with kid and alg). */
  privateJwk: JWK;
  scope: string;
  subjectClaim: string;
  subjectKind: SubjectKind;
  /** The supplier's acr values and the eIDAS level each stands for. */
  acr: Record<string, LoA>;
  timeoutMs: number;
}

const ID = /^[a-z0-9-]{2,40}$/;
const CLAIM = /^[A-Za-z0-9_.:-]{1,100}$/;
const JWK_ALGS = ['RS256', 'PS256', 'ES256'];

export function validateOidcMeansConfig(c: OidcMeansConfig): OidcMeansConfig {
  const fail = (m: string): never => {
    throw new MeansConfigError(`oidc means ${c.id ?? '?'}: ${m}`);
  };
  if (typeof c.id !== 'string' || !ID.test(c.id)) fail('id must be 2–40 of a-z, 0-9 and -');
  if (!c.displayName?.nl || !c.displayName?.en) fail('displayName needs nl and en');
  if (!MEANS_CATEGORIES.includes(c.category)) fail('category must be wdo, eidas or nen7518');
  const urlProblem = upstreamUrlProblem(c.issuer);
  if (urlProblem) fail(`issuer ${urlProblem}`);
  if (typeof c.clientId !== 'string' || c.clientId.length === 0) fail('clientId is required');
  const jwk = c.privateJwk;
  if (!jwk || typeof jwk !== 'object' || !('d' in jwk) || !jwk.kid || !JWK_ALGS.includes(jwk.alg ?? ''))
    fail(`privateJwk must be a private JWK with kid and alg (${JWK_ALGS.join(', ')})`);
  if (!c.scope.split(' ').includes('openid')) fail('scope must include openid');
  if (!CLAIM.test(c.subjectClaim)) fail('subjectClaim must name one claim');
  if (!SUBJECT_KINDS.includes(c.subjectKind)) fail(`subjectKind must be one of ${SUBJECT_KINDS.join(', ')}`);
  const acrs = Object.entries(c.acr ?? {});
  if (acrs.length === 0) fail('acr must map at least one acr value to an eIDAS level');
  for (const [acr, loa] of acrs) if (!acr || !isLoa(loa)) fail(`acr "${acr}" must map to an eIDAS LoA URI`);
  if (!Number.isInteger(c.timeoutMs) || c.timeoutMs < 100) fail('timeoutMs must be an integer ≥ 100');
  return c;
}
