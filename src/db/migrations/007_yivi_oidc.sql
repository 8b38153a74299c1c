-- Yivi disclosure sessions between POST /session and the broker's callback. The requestor token is
-- sealed (it reads the person's disclosed attributes at the Yivi server); the handle in the page URL
-- and the broker's state are stored only as keyed hashes. finished_at makes a session single-use.
CREATE TABLE means_yivi_sessions (
  handle_hash text PRIMARY KEY,
  means_id text NOT NULL,
  state_hash text NOT NULL,
  requestor_token_sealed bytea NOT NULL,
  session_ptr jsonb NOT NULL,
  callback_url text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX means_yivi_sessions_expires ON means_yivi_sessions (expires_at);
