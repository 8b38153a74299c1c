-- oidc-provider's artefacts (sessions, interactions, grants, codes, tokens, clients, replay detection),
-- stored through oidc/adapter.ts so that a restart or a second instance loses nothing.
CREATE TABLE oidc_payloads (
  model text NOT NULL,
  id text NOT NULL,
  payload jsonb NOT NULL,
  grant_id text,
  user_code text,
  uid text,
  expires_at timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX oidc_payloads_grant_id ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oidc_payloads_uid ON oidc_payloads (uid) WHERE uid IS NOT NULL;
CREATE INDEX oidc_payloads_user_code ON oidc_payloads (user_code) WHERE user_code IS NOT NULL;
CREATE INDEX oidc_payloads_expires_at ON oidc_payloads (expires_at) WHERE expires_at IS NOT NULL;

-- Dezi's signing keys; the private half sealed with a key derived from the master secret.
CREATE TABLE signing_keys (
  kid text PRIMARY KEY,
  alg text NOT NULL,
  public_jwk jsonb NOT NULL,
  private_jwk_sealed bytea NOT NULL,
  sealed_with text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz,
  published_until timestamptz
);

-- The register (minimal for the first slice; the full register is its own issue).
CREATE TABLE persons (
  id uuid PRIMARY KEY,
  dezi_nummer char(9) NOT NULL UNIQUE CHECK (dezi_nummer ~ '^[0-9]{9}$'),
  bsn_index text NOT NULL UNIQUE,
  bsn_sealed bytea NOT NULL,
  bsn_key_id text NOT NULL,
  voorletters text NOT NULL,
  voorvoegsel text,
  achternaam text NOT NULL,
  loa_dezi text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'ended')),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE abonnees (
  id uuid PRIMARY KEY,
  abonnee_nummer char(8) NOT NULL UNIQUE CHECK (abonnee_nummer ~ '^[0-9]{8}$'),
  naam text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'ended')),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE employments (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES persons (id),
  abonnee_id uuid NOT NULL REFERENCES abonnees (id),
  rol_code text CHECK (rol_code ~ '^[0-9]{2}\.[0-9]{3}$'),
  rol_code_bron text CHECK (rol_code_bron IN ('big', 'abonnee')),
  start_date date NOT NULL DEFAULT current_date,
  end_date date,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((rol_code IS NULL) = (rol_code_bron IS NULL))
);
CREATE INDEX employments_person ON employments (person_id);

-- Dezi-verklaringen: one current per person × abonnee × role, re-used until it nears expiry.
CREATE TABLE verklaringen (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES persons (id),
  abonnee_id uuid NOT NULL REFERENCES abonnees (id),
  employment_id uuid NOT NULL REFERENCES employments (id),
  rol_key text NOT NULL,
  jws text NOT NULL,
  kid text NOT NULL,
  not_before timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  is_current boolean NOT NULL DEFAULT true,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  revoked_at timestamptz,
  revocation_reason text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX verklaringen_one_current ON verklaringen (person_id, abonnee_id, rol_key) WHERE is_current;

-- The broker's in-flight login transactions, keyed by oidc-provider's interaction uid.
-- They hold register ids, never a BSN.
CREATE TABLE broker_transactions (
  interaction_uid text PRIMARY KEY,
  state jsonb NOT NULL,
  expires_at timestamptz NOT NULL
);

-- What the broker handed to the OpenID provider: one row per grant, read by userinfo.
CREATE TABLE broker_logins (
  grant_id text PRIMARY KEY,
  client_id text NOT NULL,
  person_id uuid NOT NULL REFERENCES persons (id),
  employment_id uuid NOT NULL REFERENCES employments (id),
  verklaring_id uuid NOT NULL REFERENCES verklaringen (id),
  means_id text NOT NULL,
  loa_authn text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

-- Proeftuin DigiD stand-in: artifacts waiting to be resolved over the back channel.
CREATE TABLE proeftuin_digid_artifacts (
  artifact_hash text PRIMARY KEY,
  bsn_sealed bytea NOT NULL,
  loa text NOT NULL,
  request_id text NOT NULL,
  expires_at timestamptz NOT NULL,
  resolved_at timestamptz
);

-- Audit trail (first slice: logins and verklaringen; no BSN ever).
CREATE TABLE audit_events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text,
  abonnee_nummer text,
  action text NOT NULL,
  client_id text,
  outcome text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb
);
