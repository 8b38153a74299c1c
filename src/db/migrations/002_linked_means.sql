-- Login means a person has linked to their zorgidentiteit, with the means' own subject (UZI-pas
-- number, Yivi attribute, pseudonymous OIDC `sub`). Never a BSN: a BSN subject is found through
-- persons.bsn_index.
CREATE TABLE linked_means (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES persons (id),
  means_id text NOT NULL,
  subject text NOT NULL,
  preferred boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  UNIQUE (means_id, subject)
);
CREATE INDEX linked_means_person ON linked_means (person_id);
