-- The proeftuin's web test wallet (issue 11, proeftuin): the credentials a vendor's developer received
-- in it, per browser (the wallet id is a cookie; its SHA-256 is kept). TEST keys only, never used
-- outside the proeftuin; no BSN (the credential carries the Dezi-nummer, not the BSN).
CREATE TABLE proeftuin_test_wallet (
  id uuid PRIMARY KEY,
  wallet_hash text NOT NULL,
  credential text NOT NULL,
  holder_private_jwk jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX proeftuin_test_wallet_wallet ON proeftuin_test_wallet (wallet_hash, received_at);
