-- The full Dezi-register: Dezi-nummer allocation, name history, abonnee details and administrators,
-- employments with dates and AGB, one preferred login means, resumable imports, and a hash-chained,
-- append-only audit trail (NEN 7513).

-- Dezi-nummers are allocated from a sequence: gap-tolerant, never handed out twice, also with several
-- instances on one database. Imported UZI-nummers (9xxxxxxxx) keep their number; allocation skips a
-- number already taken.
CREATE SEQUENCE dezi_nummer_seq START WITH 100000001 MINVALUE 100000001 MAXVALUE 899999999 NO CYCLE;

ALTER TABLE persons DROP CONSTRAINT persons_status_check;
ALTER TABLE persons ADD CONSTRAINT persons_status_check
  CHECK (status IN ('active', 'suspended', 'deceased', 'ended'));
ALTER TABLE persons ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
-- Persons are never deleted: a Dezi-nummer is never re-used.
CREATE FUNCTION persons_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'persons are never deleted; end them (status ended or deceased)';
END $$;
CREATE TRIGGER persons_no_delete BEFORE DELETE ON persons FOR EACH ROW EXECUTE FUNCTION persons_no_delete();

-- Earlier names of a person; the current one is in persons.
CREATE TABLE person_name_changes (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES persons (id),
  old_voorletters text NOT NULL,
  old_voorvoegsel text,
  old_achternaam text NOT NULL,
  new_voorletters text NOT NULL,
  new_voorvoegsel text,
  new_achternaam text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  changed_by text NOT NULL
);
CREATE INDEX person_name_changes_person ON person_name_changes (person_id, changed_at);

ALTER TABLE abonnees ADD COLUMN kvk char(8) CHECK (kvk ~ '^[0-9]{8}$');
ALTER TABLE abonnees ADD COLUMN agb char(8) CHECK (agb ~ '^[0-9]{8}$');
ALTER TABLE abonnees ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- The persons who administer an abonnee's employments (the abonnee portal checks this).
CREATE TABLE abonnee_administrators (
  abonnee_id uuid NOT NULL REFERENCES abonnees (id),
  person_id uuid NOT NULL REFERENCES persons (id),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (abonnee_id, person_id)
);

ALTER TABLE employments ADD COLUMN agb char(8) CHECK (agb ~ '^[0-9]{8}$');
ALTER TABLE employments ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
-- Makes a bulk import idempotent: the same source row never creates a second employment.
ALTER TABLE employments ADD COLUMN import_key text UNIQUE;
CREATE INDEX employments_abonnee ON employments (abonnee_id);

CREATE UNIQUE INDEX linked_means_one_preferred ON linked_means (person_id) WHERE preferred;

CREATE INDEX verklaringen_person ON verklaringen (person_id) WHERE status = 'active';
CREATE INDEX verklaringen_employment ON verklaringen (employment_id) WHERE status = 'active';
CREATE INDEX verklaringen_abonnee ON verklaringen (abonnee_id) WHERE status = 'active';

-- Progress of each bulk import, committed with each batch, so that a rerun after a crash continues.
CREATE TABLE register_imports (
  file_sha256 text PRIMARY KEY,
  source text NOT NULL,
  file_name text NOT NULL,
  rows_done bigint NOT NULL DEFAULT 0,
  persons_created bigint NOT NULL DEFAULT 0,
  persons_existing bigint NOT NULL DEFAULT 0,
  employments_created bigint NOT NULL DEFAULT 0,
  rejected bigint NOT NULL DEFAULT 0,
  rejections jsonb NOT NULL DEFAULT '[]'::jsonb,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

-- Audit trail (NEN 7513): who (actor, actor_kind), on behalf of which abonnee, what (action, target),
-- when, from which client, outcome. Each record carries a SHA-256 hash over its content and the
-- previous record's hash; appends are serialised by an advisory lock so that the chain is linear
-- with any number of instances.
ALTER TABLE audit_events ADD COLUMN actor_kind text;
ALTER TABLE audit_events ADD COLUMN target text;
ALTER TABLE audit_events ADD COLUMN seq bigint;
ALTER TABLE audit_events ADD COLUMN prev_hash text;
ALTER TABLE audit_events ADD COLUMN hash text;

CREATE FUNCTION audit_record_hash(prev text, r audit_events) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(jsonb_build_array(
    prev, r.seq, (extract(epoch FROM r.at) * 1000000)::bigint, r.actor, r.actor_kind, r.abonnee_nummer,
    r.action, r.target, r.client_id, r.outcome, r.detail)::text, 'UTF8')), 'hex')
$$;

CREATE FUNCTION audit_chain_append() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last record;
BEGIN
  PERFORM pg_advisory_xact_lock(7347713); -- "dezi audit chain"
  SELECT seq, hash INTO last FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
  NEW.at := clock_timestamp();
  NEW.seq := coalesce(last.seq, 0) + 1;
  NEW.prev_hash := last.hash;
  NEW.hash := audit_record_hash(NEW.prev_hash, NEW);
  RETURN NEW;
END $$;

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END $$;

-- Chain the records written before this migration, in the order they were written.
DO $$
DECLARE
  r audit_events;
  prev text := NULL;
  n bigint := 0;
BEGIN
  FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
    n := n + 1;
    r.seq := n;
    r.prev_hash := prev;
    r.hash := audit_record_hash(prev, r);
    UPDATE audit_events SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
    prev := r.hash;
  END LOOP;
END $$;

ALTER TABLE audit_events ALTER COLUMN seq SET NOT NULL;
ALTER TABLE audit_events ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX audit_events_seq ON audit_events (seq);
CREATE INDEX audit_events_actor ON audit_events (actor, at);
CREATE TRIGGER audit_chain_append BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_chain_append();
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
