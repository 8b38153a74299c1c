// Configuration of the Yivi means: which Yivi server, how Dezi authenticates to it, the key its
// result JWTs are signed with, and which attributes identify a person at which level.
import { isLoa, type LoA } from '../loa.ts';
import type { MeansCategory } from '../means.ts';
import { SUBJECT_KINDS, type SubjectKind } from '../subject.ts';
import { MEANS_CATEGORIES, MeansConfigError, upstreamUrlProblem } from '../means-config.ts';

export interface YiviAttribute {
  /** Full attribute id, e.g. pbdf.gemeente.personalData.bsn */
  id: string;
  subject: SubjectKind;
  /** The level a disclosure of this attribute proves. */
  loa: LoA;
}

export interface YiviConfig {
  serverUrl: string;
  requestorToken: string;
  /** SPKI PEM of the key the Yivi server signs result JWTs with (irma server --jwt-privkey). */
  serverPublicKeyPem: string;
  /** The iss of the result JWTs (irma server --jwt-issuer; "irmaserver" by default). */
  jwtIssuer: string;
  attributes: YiviAttribute[];
  category: MeansCategory;
  timeoutMs: number;
  /** How long a started session may wait for the person. */
  sessionTtlSeconds: number;
}

const ATTRIBUTE_ID = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){3}$/;

export function validateYiviConfig(c: YiviConfig): YiviConfig {
  const fail = (m: string): never => {
    throw new MeansConfigError(`yivi: ${m}`);
  };
  const urlProblem = upstreamUrlProblem(c.serverUrl);
  if (urlProblem) fail(`serverUrl ${urlProblem}`);
  if (typeof c.requestorToken !== 'string' || c.requestorToken.length < 16)
    fail('the requestor token must be at least 16 characters');
  if (!c.serverPublicKeyPem.includes('BEGIN PUBLIC KEY')) fail('the server public key must be an SPKI PEM');
  if (!c.jwtIssuer) fail('jwtIssuer must not be empty');
  if (!Array.isArray(c.attributes) || c.attributes.length === 0) fail('at least one attribute is required');
  for (const a of c.attributes) {
    if (!ATTRIBUTE_ID.test(a.id))
      fail(`"${a.id}" is not a full attribute id (scheme.issuer.credential.attribute)`);
    if (!SUBJECT_KINDS.includes(a.subject))
      fail(`subject of ${a.id} must be one of ${SUBJECT_KINDS.join(', ')}`);
    if (!isLoa(a.loa)) fail(`loa of ${a.id} must be an eIDAS LoA URI`);
  }
  if (!MEANS_CATEGORIES.includes(c.category)) fail('category must be wdo, eidas or nen7518');
  if (!Number.isInteger(c.timeoutMs) || c.timeoutMs < 100) fail('timeoutMs must be an integer ≥ 100');
  if (!Number.isInteger(c.sessionTtlSeconds) || c.sessionTtlSeconds < 30)
    fail('sessionTtlSeconds must be an integer ≥ 30');
  return { ...c, serverUrl: c.serverUrl.replace(/\/$/, '') };
}
