// The crypto floor: the private-key operations a row cannot avoid, each timed on this machine in the
// same run, with the same key types and sizes as the measured Dezi. A row's floor is the sum of its
// operations' CPU time; its ratio is the server CPU it used per unit over that floor. Public-key
// operations (verifying a client assertion, an ID token or a SAML signature; encrypting userinfo
// for the relying party) are left out: each costs about a tenth of a private-key operation. The
// closed question of Mitz has no private-key operation; its floor is what it cannot avoid instead:
// the BSN's blind index (HMAC-SHA-256) and parsing the question's XML.
import {
  constants,
  createPrivateKey,
  diffieHellman,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { parseXml } from '../src/means/saml/xml.ts';
import { Secrets } from '../src/secrets.ts';
import { questionXml } from './mitz.ts';

/** The keys whose private operations a login needs. */
export interface FloorKeys {
  /** DigiD SP key (DEZI_DIGID_SP_KEY_FILE): signs the AuthnRequest and ArtifactResolve, decrypts the assertion key. */
  digidSp: KeyObject;
  /** Dezi's private_key_jwt key at the OIDC means supplier (DEZI_MEANS_FILE privateKeyFile). */
  oidcMeansClient: KeyObject;
  /** Dezi's id_token key (src/oidc/keys.ts: RSA 3072): signs the id_token and the userinfo envelope. */
  deziSigning: KeyObject;
  /** Dezi's wallet key (P-256, the TEST issuer certificate's): signs the OpenID4VP request object. */
  wallet: KeyObject;
}

type KeyName = keyof FloorKeys;

export type FloorStep = {
  /** What the operation is for, e.g. "AuthnRequest signature (HTTP-Redirect)". */
  what: string;
} & (
  | { kind: 'sign' | 'decrypt'; key: KeyName }
  /** The blind index of a BSN (Secrets.hmac, as Mitz's Citizens.index). */
  | { kind: 'hmac' }
  /** Parsing the closed question (the reference message's size) with the parser Mitz reads it with. */
  | { kind: 'xml-parse' }
  /** ES256 (P-256 ECDSA, SHA-256) with this key. */
  | { kind: 'ec-sign'; key: KeyName }
  /** A P-256 key pair made (the wallet login's response key) and the ECDH it decrypts with. */
  | { kind: 'ec-keygen' }
  | { kind: 'ecdh' }
);

/**
 * Per row, read from the code (what a login does, start to userinfo):
 *  - DigiD: src/means/saml/sp.ts has node-saml sign the AuthnRequest's redirect query (RSA-SHA256, SP key);
 *    artifact.ts signs the ArtifactResolve (xml-crypto, RSA-SHA256, SP key); response.ts has node-saml
 *    decrypt the EncryptedAssertion's AES key (RSA-OAEP, SP key); oidc-provider signs the id_token
 *    (RS256, Dezi's key); src/oidc/userinfo.ts signs the envelope (RS256, Dezi's key).
 *  - OIDC means: openid-client signs the private_key_jwt client assertion at the supplier's token
 *    endpoint (RS256, Dezi's key for that supplier); then the same id_token and envelope.
 *  - The verklaring (eSeal, RS256) is signed once per person × employment and reused while current
 *    (src/verklaring/verklaring.ts forEmployment): not a per-login operation, so not in the floor.
 */
export const FLOORS = {
  reference: [{ what: 'id_token signature (RS256)', kind: 'sign', key: 'deziSigning' }],
  digid: [
    { what: 'AuthnRequest signature (HTTP-Redirect, RSA-SHA256)', kind: 'sign', key: 'digidSp' },
    { what: 'ArtifactResolve signature (XML-DSig, RSA-SHA256)', kind: 'sign', key: 'digidSp' },
    { what: 'EncryptedAssertion key (RSA-OAEP)', kind: 'decrypt', key: 'digidSp' },
    { what: 'id_token signature (RS256)', kind: 'sign', key: 'deziSigning' },
    { what: 'userinfo envelope signature (RS256)', kind: 'sign', key: 'deziSigning' },
  ],
  oidcMeans: [
    {
      what: 'client assertion at the supplier (private_key_jwt, RS256)',
      kind: 'sign',
      key: 'oidcMeansClient',
    },
    { what: 'id_token signature (RS256)', kind: 'sign', key: 'deziSigning' },
    { what: 'userinfo envelope signature (RS256)', kind: 'sign', key: 'deziSigning' },
  ],
  /**
   * A wallet login (src/means/wallet/): a P-256 key for the response made per login (sessions.ts),
   * the request object signed (ES256, the wallet key), the response's key agreed (ECDH-ES); then the
   * same id_token and envelope. Verifying the credential's and key binding's signatures is public-key
   * work, left out as elsewhere.
   */
  wallet: [
    { what: 'response key pair (P-256)', kind: 'ec-keygen' },
    { what: 'request object signature (ES256)', kind: 'ec-sign', key: 'wallet' },
    { what: 'response decryption (ECDH-ES, P-256)', kind: 'ecdh' },
    { what: 'id_token signature (RS256)', kind: 'sign', key: 'deziSigning' },
    { what: 'userinfo envelope signature (RS256)', kind: 'sign', key: 'deziSigning' },
  ],
  token: [{ what: 'id_token signature (RS256)', kind: 'sign', key: 'deziSigning' }],
  userinfo: [{ what: 'userinfo envelope signature (RS256)', kind: 'sign', key: 'deziSigning' }],
  /** Served from memory: re-signed once per refresh interval, not per request. */
  revocationList: [],
  /**
   * Mitz's closed question: src/mitz/xacml.ts parses the message (xmldom), Choices.decide looks the
   * citizen up by the BSN's blind index (HMAC-SHA-256); no signature.
   */
  mitzQuestion: [
    { what: 'the question parsed (xmldom, the reference message)', kind: 'xml-parse' },
    { what: "the BSN's blind index (HMAC-SHA-256)", kind: 'hmac' },
  ],
} satisfies Record<string, FloorStep[]>;

export type FloorName = keyof typeof FLOORS;

export interface OpTiming {
  /** e.g. "RSA-2048 sign (PKCS#1 v1.5, SHA-256)". */
  op: string;
  cpu_ms: number;
  per_second: number;
}

function bits(key: KeyObject): number {
  return key.asymmetricKeyDetails?.modulusLength ?? NaN;
}

function opName(step: FloorStep, keys: FloorKeys): string {
  switch (step.kind) {
    case 'sign':
      return `RSA-${bits(keys[step.key])} sign (PKCS#1 v1.5, SHA-256)`;
    case 'decrypt':
      return `RSA-${bits(keys[step.key])} decrypt (OAEP, SHA-1)`;
    case 'hmac':
      return 'HMAC-SHA-256 (blind index)';
    case 'xml-parse':
      return 'XML parse of the closed question (xmldom)';
    case 'ec-sign':
      return 'P-256 sign (ECDSA, SHA-256)';
    case 'ec-keygen':
      return 'P-256 key pair generation';
    case 'ecdh':
      return 'P-256 ECDH';
  }
}

/** The operation itself, to be timed back to back. */
function operation(step: FloorStep, keys: FloorKeys): () => void {
  const data = Buffer.alloc(512, 1); // a JWS signing input or a SignedInfo: a few hundred bytes
  switch (step.kind) {
    case 'sign':
      return () => void sign('sha256', data, keys[step.key]);
    case 'decrypt': {
      // An AES-256 key wrapped for this key, as the IdP sends it (xmlenc rsa-oaep-mgf1p: SHA-1).
      const key = keys[step.key];
      const wrapped = publicEncrypt(
        { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
        Buffer.alloc(32, 2),
      );
      return () =>
        void privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, wrapped);
    }
    case 'hmac': {
      const secrets = new Secrets(randomBytes(32));
      return () => void secrets.hmac('mitz-bsn-blind-index', '900186021');
    }
    case 'xml-parse': {
      const xml = questionXml('900186021');
      return () => void parseXml(xml);
    }
    case 'ec-sign':
      return () => void sign('sha256', data, { key: keys[step.key], dsaEncoding: 'ieee-p1363' });
    case 'ec-keygen':
      return () => void generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'ecdh': {
      const mine = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const theirs = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      return () => void diffieHellman({ privateKey: mine.privateKey, publicKey: theirs.publicKey });
    }
  }
}

/** CPU per call of fn, run back to back for `ms` (user + system time of this process). */
function cpuPerCall(fn: () => void, ms: number): OpTiming['cpu_ms'] {
  for (let i = 0; i < 5; i++) fn();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms || n < 10) {
    fn();
    n++;
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / n;
}

/** Times each distinct operation the floors need, with node:crypto (no JOSE or XML-DSig around it). */
export function timeOperations(keys: FloorKeys, ms: number): Map<string, OpTiming> {
  const out = new Map<string, OpTiming>();
  for (const steps of Object.values(FLOORS))
    for (const step of steps as FloorStep[]) {
      const op = opName(step, keys);
      if (out.has(op)) continue;
      const cpu = cpuPerCall(operation(step, keys), ms);
      out.set(op, { op, cpu_ms: cpu, per_second: 1000 / cpu });
    }
  return out;
}

export interface Floor {
  floor_ms: number;
  floor_ops: { what: string; op: string; cpu_ms: number }[];
}

export function floorOf(name: FloorName, keys: FloorKeys, timings: Map<string, OpTiming>): Floor {
  const ops = (FLOORS[name] as FloorStep[]).map((s) => {
    const op = opName(s, keys);
    return { what: s.what, op, cpu_ms: timings.get(op)!.cpu_ms };
  });
  return { floor_ms: ops.reduce((sum, o) => sum + o.cpu_ms, 0), floor_ops: ops };
}

/** Dezi's id_token key size (src/oidc/keys.ts), for the floor only: the real key stays in the database. */
export function deziSigningKeyForFloor(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey;
}

export function privateKeyFromPem(pem: string): KeyObject {
  return createPrivateKey(pem);
}
