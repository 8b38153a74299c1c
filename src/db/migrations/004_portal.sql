-- Portals and the REST API: invitations, API clients, portal sessions, portal logins in flight and
-- self-registrations waiting for the person's confirmation. (Who administers an abonnee is the
-- register's abonnee_administrators, migration 003.)

-- An abonnee invites a person: by Dezi-nummer, or with a one-time registration code (only its
-- keyed hash is stored; the code is shown once).
CREATE TABLE invitations (
  id uuid PRIMARY KEY,
  abonnee_id uuid NOT NULL REFERENCES abonnees (id),
  dezi_nummer char(9) CHECK (dezi_nummer ~ '^[0-9]{9}$'),
  code_hash text UNIQUE,
  rol_code text CHECK (rol_code ~ '^[0-9]{2}\.[0-9]{3}$'),
  rol_code_bron text CHECK (rol_code_bron IN ('big', 'abonnee')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'withdrawn')),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  employment_id uuid REFERENCES employments (id),
  CHECK ((dezi_nummer IS NULL) <> (code_hash IS NULL)),
  CHECK ((rol_code IS NULL) = (rol_code_bron IS NULL))
);
CREATE INDEX invitations_abonnee ON invitations (abonnee_id);
CREATE INDEX invitations_dezi_nummer ON invitations (dezi_nummer) WHERE dezi_nummer IS NOT NULL;

-- Clients of the REST API: an abonnee's system (sees only that abonnee) or the operator.
-- They authenticate with a JWT signed by a key in jwks (private_key_jwt style).
CREATE TABLE api_clients (
  client_id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('abonnee', 'operator')),
  abonnee_id uuid REFERENCES abonnees (id),
  name text NOT NULL,
  jwks jsonb NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'abonnee') = (abonnee_id IS NOT NULL))
);

-- A person logged in to Mijn Dezi or the abonnee portal. The cookie holds a random token; only
-- its hash is stored.
CREATE TABLE portal_sessions (
  token_hash text PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES persons (id),
  means_id text NOT NULL,
  loa_authn text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

-- A portal login in flight through the broker: what it is for, bound to the browser by a cookie.
CREATE TABLE portal_logins (
  state_hash text PRIMARY KEY,
  purpose text NOT NULL CHECK (purpose IN ('mijn-dezi', 'registreren', 'koppelen', 'abonnee')),
  person_id uuid REFERENCES persons (id),
  expires_at timestamptz NOT NULL
);

-- Self-registration: a person authenticated at LoA high with a BSN means and is not in the
-- register yet. The BSN waits here sealed (never in a URL, form or cookie) until they confirm.
CREATE TABLE pending_registrations (
  token_hash text PRIMARY KEY,
  bsn_sealed bytea NOT NULL,
  bsn_key_id text NOT NULL,
  means_id text NOT NULL,
  loa_authn text NOT NULL,
  expires_at timestamptz NOT NULL
);
