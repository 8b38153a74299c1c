-- The verklaring in a wallet (issue 11, §1): the credentials issued as SD-JWT VC and the IETF Token
-- Status Lists that revoke them.
--
-- A status list is a bit string, one bit per credential (1: revoked), kept as the bytes the token
-- status list encodes: bit i is bit i % 8, counted from the least significant, of byte i / 8, which
-- is how PostgreSQL's set_bit counts too. Indices are drawn at random and a list is filled to half at
-- most, so that a list's bits say nothing about who was issued when (herd privacy).
CREATE TABLE wallet_status_lists (
  id uuid PRIMARY KEY,
  size integer NOT NULL CHECK (size > 0 AND size % 8 = 0),
  bits bytea NOT NULL,
  -- The indices handed out, in the same bit order: an index is never given to two credentials.
  taken bytea NOT NULL,
  allocated integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (octet_length(bits) * 8 = size AND octet_length(taken) * 8 = size),
  CHECK (allocated >= 0 AND allocated <= size)
);

-- One row per credential issued. What it rests on is copied from its verklaring so that the change
-- that makes the verklaring untrue revokes it in the same transaction, also after the verklaring
-- itself has expired. No claim values are kept: the credential is the holder's.
CREATE TABLE wallet_credentials (
  id uuid PRIMARY KEY,
  verklaring_id uuid NOT NULL,
  person_id uuid NOT NULL REFERENCES persons (id),
  employment_id uuid NOT NULL REFERENCES employments (id),
  abonnee_id uuid NOT NULL REFERENCES abonnees (id),
  -- The holder key's JWK thumbprint (RFC 7638): which wallet key the credential is bound to.
  holder_jkt text NOT NULL,
  status_list_id uuid NOT NULL REFERENCES wallet_status_lists (id),
  status_idx integer NOT NULL CHECK (status_idx >= 0),
  issued_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revocation_reason text,
  UNIQUE (status_list_id, status_idx)
);
CREATE INDEX wallet_credentials_person ON wallet_credentials (person_id);
CREATE INDEX wallet_credentials_employment ON wallet_credentials (employment_id);
CREATE INDEX wallet_credentials_abonnee ON wallet_credentials (abonnee_id);
