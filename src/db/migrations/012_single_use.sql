-- One store for every piece of one-time state (a login in flight, a registration waiting for its
-- confirmation, a means' round trip): put once, taken at most once, expired the same way. The key is
-- a bearer secret of the browser or the upstream, so only its SHA-256 is kept.
CREATE TABLE single_use (
  namespace text NOT NULL,
  key_hash text NOT NULL,
  value jsonb NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (namespace, key_hash)
);
CREATE INDEX single_use_expires ON single_use (expires_at);

-- The portals' two one-time stores move into it; what was in flight at the upgrade (at most a few
-- minutes of logins and registrations) is started again by the person.
DROP TABLE portal_logins;
DROP TABLE pending_registrations;
-- So do the Yivi sessions between start and finish (the requestor token sealed, the state as an HMAC).
DROP TABLE means_yivi_sessions;
