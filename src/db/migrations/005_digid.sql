-- DigiD over SAML 2.0 (issue 4): the service provider's state, SAML keys, and the proeftuin IdP.

-- SAML signing keys generated at run time (proeftuin: the SP's and the stand-in IdP's key).
-- The private key is sealed with the master secret; the certificate is public.
CREATE TABLE saml_keys (
  name text PRIMARY KEY,
  private_key_sealed bytea NOT NULL,
  certificate text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per AuthnRequest sent: the ID the Response must answer (InResponseTo), keyed by the
-- hash of the RelayState. Taken (deleted) once when the answer is checked.
CREATE TABLE digid_authn_requests (
  relay_state_hash text PRIMARY KEY,
  request_id text NOT NULL UNIQUE,
  callback_url text NOT NULL,
  -- An HTTP-POST response parked by the assertion consumer service until the callback (sealed).
  response_sealed bytea,
  expires_at timestamptz NOT NULL
);

-- Assertion IDs already accepted, kept until the assertion would have expired anyway.
CREATE TABLE digid_assertions_seen (
  assertion_id text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);

-- The proeftuin's stand-in now answers in SAML: its artifacts hold a sealed, signed Response.
DROP TABLE proeftuin_digid_artifacts;
CREATE TABLE proeftuin_digid_artifacts (
  artifact_hash text PRIMARY KEY,
  response_sealed bytea NOT NULL,
  expires_at timestamptz NOT NULL,
  resolved_at timestamptz
);
