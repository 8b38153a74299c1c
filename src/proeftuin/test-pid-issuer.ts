// The proeftuin's TEST PID issuer: a stand-in for the issuer of the NL wallet's PID (an SD-JWT VC of
// type urn:eudi:pid:nl:1 that carries the BSN). Dezi trusts it in the proeftuin as it would trust the
// real PID issuer; the TEST wallet takes a PID from it for a test person at the moment it presents one,
// so no BSN is kept in the TEST wallet. Made once per process.
import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { digest, ES256 } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { selfSignedP256, type TestWalletProvider } from './test-wallet-provider.ts';

export const PID_VCT = 'urn:eudi:pid:nl:1';
export const TEST_PID_ISSUER = 'https://pid.proeftuin.dezi.example';

let issuer: Promise<TestWalletProvider> | null = null;

export function testPidIssuer(): Promise<TestWalletProvider> {
  issuer ??= selfSignedP256(
    'CN=TEST PID issuer (Dezi proeftuin), O=TEST Dezi proeftuin, C=NL',
    new URL(TEST_PID_ISSUER).hostname,
  );
  return issuer;
}

/** A TEST PID for this BSN and name, bound to the holder's key; every claim selectively disclosable. */
export async function issueTestPid(
  person: { bsn: string; givenName: string; familyName: string; birthdate: string },
  holderPublicJwk: JWK,
  by?: TestWalletProvider,
): Promise<string> {
  const key = by ?? (await testPidIssuer());
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    signer: await ES256.getSigner(key.privateJwk as Parameters<typeof ES256.getSigner>[0]),
    signAlg: 'ES256',
    saltGenerator: (n: number) => randomBytes(n).toString('base64url'),
  });
  const now = Math.floor(Date.now() / 1000);
  return sdjwt.issue(
    {
      iss: TEST_PID_ISSUER,
      vct: PID_VCT,
      iat: now,
      exp: now + 30 * 24 * 3600,
      cnf: { jwk: holderPublicJwk },
      bsn: person.bsn,
      given_name: person.givenName,
      family_name: person.familyName,
      birthdate: person.birthdate,
    },
    { _sd: ['bsn', 'given_name', 'family_name', 'birthdate'] },
    { header: { typ: 'dc+sd-jwt', x5c: [key.certDer] } },
  );
}
