-- UZI-pas logins between the broker and the certificate endpoint. The browser carries only random
-- tokens; this table keeps their hashes, the login state they are bound to (as an HMAC) and, once
-- a certificate was presented, the outcome: the card's UZI-nummer or the reason it was refused.
CREATE TABLE uzi_pas_logins (
  ticket_hash text PRIMARY KEY,
  state_mac text NOT NULL,
  callback_url text NOT NULL,
  result_hash text UNIQUE,
  outcome jsonb,
  expires_at timestamptz NOT NULL
);
CREATE INDEX uzi_pas_logins_expires ON uzi_pas_logins (expires_at);
