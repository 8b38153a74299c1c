-- The eSeal certificates that have signed verklaringen and revocation lists (spec §3.4, §5.2): their
-- public JWK (with x5c) as published at /dezi/jwks.json. The private keys are not here: each instance
-- reads its eSeal from files (or the proeftuin's TEST eSeal). A certificate seen for the first time
-- retires the others, which stay published until the verklaringen they signed have expired.
CREATE TABLE eseal_certificates (
  kid uuid PRIMARY KEY,
  x5t_s256 text NOT NULL UNIQUE,
  jwk jsonb NOT NULL,
  not_after timestamptz NOT NULL,
  registered_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);

-- Verklaringen issued before this were signed with the id_token key and named /jwks in their jku:
-- they stay valid (and answer at the status endpoint), but the next login gets one signed with the
-- eSeal key in the spec's form.
UPDATE verklaringen SET is_current = false WHERE is_current;

-- The revocation list reads the revoked verklaringen that have not expired.
CREATE INDEX verklaringen_revoked ON verklaringen (expires_at) WHERE status = 'revoked';
