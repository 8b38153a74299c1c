-- Mitz, the consent service: its own tables, read and written by src/mitz/ only.
--
-- A citizen is known by a keyed blind index of the BSN and the BSN sealed under Mitz's own keys
-- (other keys than the register's: the two stores cannot be joined on the index).
CREATE TABLE mitz_citizens (
  id uuid PRIMARY KEY,
  bsn_index text NOT NULL UNIQUE,
  bsn_sealed bytea NOT NULL,
  sealed_with text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The choices as they stand: (gegevenscategorie, dossierhouder category, raadplegende category) →
-- permit or not; '*' is "every category". The primary key is the lookup of a decision.
CREATE TABLE mitz_choices (
  citizen_id uuid NOT NULL REFERENCES mitz_citizens (id),
  gegevenscategorie text NOT NULL,
  dossierhouder text NOT NULL,
  raadpleger text NOT NULL,
  permit boolean NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_by jsonb NOT NULL,
  PRIMARY KEY (citizen_id, gegevenscategorie, dossierhouder, raadpleger)
);

-- Every change, as the citizen sees it in MijnMitz ("permit" null: the choice was withdrawn).
CREATE TABLE mitz_choice_history (
  id bigserial PRIMARY KEY,
  citizen_id uuid NOT NULL REFERENCES mitz_citizens (id),
  gegevenscategorie text NOT NULL,
  dossierhouder text NOT NULL,
  raadpleger text NOT NULL,
  permit boolean,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_by jsonb NOT NULL
);
CREATE INDEX mitz_choice_history_citizen ON mitz_choice_history (citizen_id, id);

-- FHIR Subscriptions of dossierhouders (criteria Consent?_query=otv&patientid=…&providerid=…).
-- A system posting the same subscription again (same citizen, provider type and source system) gets
-- the same one back, updated: the unique index makes that one upsert, also when two race.
CREATE TABLE mitz_subscriptions (
  id uuid PRIMARY KEY,
  client_id text NOT NULL,
  abonnee_nummer text,
  citizen_id uuid NOT NULL REFERENCES mitz_citizens (id),
  provider_ura text NOT NULL,
  provider_type text NOT NULL,
  source_system text,
  endpoint text NOT NULL,
  payload text NOT NULL,
  extensions jsonb NOT NULL DEFAULT '[]',
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'off')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz
);
CREATE INDEX mitz_subscriptions_citizen ON mitz_subscriptions (citizen_id) WHERE status = 'active';
CREATE UNIQUE INDEX mitz_subscriptions_same ON mitz_subscriptions
  (client_id, citizen_id, provider_ura, provider_type, (coalesce(source_system, ''))) WHERE status = 'active';

-- Notifications to deliver: the subscription and the moment, never the message itself (it holds
-- the BSN, and is built at delivery time from the choices as they stand then).
CREATE TABLE mitz_deliveries (
  id uuid PRIMARY KEY,
  subscription_id uuid NOT NULL REFERENCES mitz_subscriptions (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_status integer,
  last_error text,
  delivered_at timestamptz
);
CREATE INDEX mitz_deliveries_due ON mitz_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX mitz_deliveries_subscription ON mitz_deliveries (subscription_id);

-- MijnMitz's sessions: only a hash of the browser's token and the citizen it logged in (never a
-- BSN). expires_at slides with each request (the idle timeout) up to created_at plus the longest a
-- session may last.
CREATE TABLE mitz_sessions (
  token_hash text PRIMARY KEY,
  citizen_id uuid NOT NULL REFERENCES mitz_citizens (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX mitz_sessions_expires ON mitz_sessions (expires_at);
