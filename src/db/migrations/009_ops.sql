-- Rate-limit counters shared by every instance: one row per bucket (rule and client or address) per
-- fixed window, incremented with one atomic upsert.
-- UNLOGGED: a counter lost in a crash costs nothing, and no WAL flush per request.
CREATE UNLOGGED TABLE rate_limits (
  bucket text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limits_expires_at ON rate_limits (expires_at);
