-- The audit chain off the login's critical section. Until now every insert took one global advisory
-- lock, held to its commit, to read the head and chain itself: every audit record of every instance
-- was serialised. Now an insert only stores its record (unchained: seq, prev_hash and hash NULL), and
-- a chainer (audit_chain_pending, run in the background by every instance, under the same lock, so
-- one at a time) gives unchained records their chain position in batches, in the order of their id.
-- The chain position is assigned, not taken from the insert: ids can commit out of order, and a
-- record that commits late is simply chained later. A record is protected by the chain from the
-- moment it is chained (within about a second); until then it is reported as pending by
-- `dezi audit verify`. The trail stays append-only: an UPDATE may only chain an unchained record
-- (set exactly its chain columns, with the right hash), DELETE and TRUNCATE are refused.

ALTER TABLE audit_events ALTER COLUMN seq DROP NOT NULL;
ALTER TABLE audit_events ALTER COLUMN hash DROP NOT NULL;
CREATE INDEX audit_events_unchained ON audit_events (id) WHERE seq IS NULL;

-- An insert stores its content only; the chain columns are the chainer's to set.
CREATE OR REPLACE FUNCTION audit_chain_append() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.at := clock_timestamp();
  NEW.seq := NULL;
  NEW.prev_hash := NULL;
  NEW.hash := NULL;
  RETURN NEW;
END $$;

-- The one UPDATE allowed: chaining an unchained record, nothing else changed.
CREATE FUNCTION audit_chain_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.seq IS NULL AND OLD.hash IS NULL AND NEW.seq IS NOT NULL
     AND (NEW.id, NEW.at, NEW.actor, NEW.actor_kind, NEW.abonnee_nummer, NEW.action, NEW.target,
          NEW.client_id, NEW.outcome, NEW.detail)
         IS NOT DISTINCT FROM
         (OLD.id, OLD.at, OLD.actor, OLD.actor_kind, OLD.abonnee_nummer, OLD.action, OLD.target,
          OLD.client_id, OLD.outcome, OLD.detail)
     AND NEW.hash = audit_record_hash(NEW.prev_hash, NEW) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only';
END $$;

DROP TRIGGER audit_no_update ON audit_events;
CREATE TRIGGER audit_chain_only BEFORE UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_chain_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_append_only();

-- Chains at most max_rows unchained records, oldest id first, after the current head. Under the
-- chain's advisory lock (7347713, "dezi audit chain"), so that instances chaining at once extend
-- one linear chain: with wait false it returns -1 at once when another session holds the lock (that
-- one is chaining), with wait true it waits for it. Returns the number of records chained. Each
-- statement below sees what committed before it ran (READ COMMITTED), so the head read after the
-- lock includes every record an earlier holder chained.
CREATE FUNCTION audit_chain_pending(max_rows integer, wait boolean) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  last record;
  r audit_events;
  pos bigint;
  prev text;
  n integer := 0;
BEGIN
  IF wait THEN
    PERFORM pg_advisory_xact_lock(7347713);
  ELSIF NOT pg_try_advisory_xact_lock(7347713) THEN
    RETURN -1;
  END IF;
  SELECT seq, hash INTO last FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
  pos := coalesce(last.seq, 0);
  prev := last.hash;
  FOR r IN SELECT * FROM audit_events WHERE seq IS NULL ORDER BY id LIMIT max_rows LOOP
    pos := pos + 1;
    r.seq := pos;
    r.prev_hash := prev;
    r.hash := audit_record_hash(prev, r);
    UPDATE audit_events SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
    prev := r.hash;
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;
