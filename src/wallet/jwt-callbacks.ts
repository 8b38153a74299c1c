// The callbacks @openid4vc's classes call for cryptography: hashing, randomness and JWT verification,
// with jose. Verification takes the key the library found in the JWT (a holder's or DPoP key in `jwk`,
// a wallet provider's certificate in `x5c`); a wallet attestation counts only when its x5c chain leads
// to a configured wallet provider, so trust is decided here and not by whoever signed.
import { createHash, randomBytes, type X509Certificate } from 'node:crypto';
import { compactVerify, importJWK, type JWK } from 'jose';
import { clientAuthenticationNone, type CallbackContext, type Jwk } from '@openid4vc/oauth2';
import { chainsTo, parseX5c } from '../pki/certificates.ts';

const CLIENT_ATTESTATION_TYP = 'oauth-client-attestation+jwt';

/** Hashing and randomness as @openid4vc asks for them: the same for the issuer and a wallet. */
export const walletCrypto: Pick<CallbackContext, 'hash' | 'generateRandom'> = {
  hash: (data, alg) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
  generateRandom: (bytes) => randomBytes(bytes),
};

export function walletCallbacks(o: {
  /** The wallet providers' certificates (trust anchors) whose attestations Dezi accepts. */
  walletProviders: () => X509Certificate[];
}): Omit<CallbackContext, 'encryptJwe' | 'decryptJwe' | 'signJwt'> & Pick<CallbackContext, 'signJwt'> {
  return {
    ...walletCrypto,
    // Dezi is the server here: it never authenticates itself as a client nor signs through the library.
    clientAuthentication: clientAuthenticationNone({ clientId: 'dezi' }),
    signJwt: () => {
      throw new Error('the wallet issuer signs with its own key, not through @openid4vc');
    },
    verifyJwt: async (signer, { header, compact }) => {
      try {
        if (signer.alg !== 'ES256') return { verified: false };
        let jwk: JWK;
        if (signer.method === 'jwk') {
          jwk = signer.publicJwk as JWK;
        } else if (signer.method === 'x5c') {
          if (header.typ !== CLIENT_ATTESTATION_TYP) return { verified: false };
          const chain = parseX5c(signer.x5c, 'x5c');
          if (!chainsTo(chain, o.walletProviders(), new Date())) return { verified: false };
          jwk = chain[0]!.publicKey.export({ format: 'jwk' }) as JWK;
        } else {
          return { verified: false };
        }
        await compactVerify(compact, await importJWK(jwk, 'ES256'), { algorithms: ['ES256'] });
        return { verified: true, signerJwk: jwk as Jwk };
      } catch {
        return { verified: false };
      }
    },
  };
}
