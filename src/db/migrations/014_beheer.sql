-- Beheer, the register operator's portal: who is an operator, the operator's runtime switches for
-- login means and zorgapplicaties, and indexes for searching the audit trail.

-- Operators added with `dezi operator add` (DEZI_OPERATORS names more, from the configuration). An
-- operator is a person in the register, by Dezi-nummer; they act in beheer while that person is active.
CREATE TABLE beheer_operators (
  dezi_nummer char(9) PRIMARY KEY CHECK (dezi_nummer ~ '^[0-9]{9}$'),
  added_at timestamptz NOT NULL DEFAULT now(),
  added_by text NOT NULL
);

-- A login means switched off (or on again) by an operator at runtime. Every instance reads this table
-- (at start and every few seconds), so a switch holds for all instances and survives a restart. A
-- means the configuration disables (DEZI_MEANS_DISABLED) stays off whatever this table says.
CREATE TABLE means_switches (
  means_id text PRIMARY KEY CHECK (means_id ~ '^[a-z0-9-]{2,40}$'),
  enabled boolean NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  changed_by text NOT NULL
);

-- A zorgapplicatie (OpenID client) an operator disabled: the provider's storage no longer finds it,
-- so every authorization, token and userinfo request of it is refused until it is enabled again. Its
-- registration stays, so enabling it restores it unchanged.
CREATE TABLE oidc_disabled_clients (
  client_id text PRIMARY KEY,
  disabled_at timestamptz NOT NULL DEFAULT now(),
  disabled_by text NOT NULL
);

-- The audit trail searched by abonnee, zorgapplicatie, target (a person, an abonnee) and action,
-- newest first (beheer; src/audit/search.ts). The actor already has its index (migration 003).
CREATE INDEX audit_events_abonnee ON audit_events (abonnee_nummer, id) WHERE abonnee_nummer IS NOT NULL;
CREATE INDEX audit_events_client ON audit_events (client_id, id) WHERE client_id IS NOT NULL;
CREATE INDEX audit_events_target ON audit_events (target, id) WHERE target IS NOT NULL;
CREATE INDEX audit_events_action ON audit_events (action, id);
CREATE INDEX audit_events_at ON audit_events (at);
