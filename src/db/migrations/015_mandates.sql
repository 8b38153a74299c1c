-- Mandates and self-declared roles (issue 13, §3).
--
-- A mandate: a professional with a BIG role at an abonnee (mandator, through that employment) lets a
-- named colleague at the same abonnee (mandatee) log in "namens" them, for a period of at most three
-- years, optionally only at some zorgapplicaties. The colleague accepts or declines it; the mandator,
-- the colleague or the abonnee's administrator may end it. Whether it can be used today is computed
-- at login (the mandator's employment, both persons and the abonnee still active), not stored.
CREATE TABLE mandates (
  id uuid PRIMARY KEY,
  abonnee_id uuid NOT NULL REFERENCES abonnees (id),
  mandator_person_id uuid NOT NULL REFERENCES persons (id),
  mandator_employment_id uuid NOT NULL REFERENCES employments (id),
  mandatee_person_id uuid NOT NULL REFERENCES persons (id),
  start_date date NOT NULL,
  -- The first day the mandate no longer holds (exclusive), as an employment's end_date.
  end_date date NOT NULL,
  -- The zorgapplicaties (OpenID client ids) it may be used at; empty: every one.
  client_ids text[] NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'ended')),
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz,
  ended_at timestamptz,
  ended_by text,
  CHECK (end_date > start_date),
  CHECK (end_date <= start_date + interval '3 years'),
  CHECK (mandator_person_id <> mandatee_person_id)
);
CREATE INDEX mandates_mandatee ON mandates (mandatee_person_id) WHERE status IN ('pending', 'accepted');
CREATE INDEX mandates_mandator ON mandates (mandator_person_id);
CREATE INDEX mandates_abonnee ON mandates (abonnee_id);
CREATE INDEX mandates_mandator_employment ON mandates (mandator_employment_id);

-- A role a care worker without a BIG profession declares for one of their employments; it takes
-- effect (the employment's role, source 'zelfverklaring') when the abonnee's administrator confirms it.
CREATE TABLE role_declarations (
  id uuid PRIMARY KEY,
  employment_id uuid NOT NULL REFERENCES employments (id),
  person_id uuid NOT NULL REFERENCES persons (id),
  abonnee_id uuid NOT NULL REFERENCES abonnees (id),
  rol_code text NOT NULL CHECK (rol_code ~ '^[0-9]{2}\.[0-9]{3}$'),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'refused', 'withdrawn')),
  declared_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz,
  decided_by text
);
-- One declaration waits per employment at a time.
CREATE UNIQUE INDEX role_declarations_one_pending ON role_declarations (employment_id) WHERE status = 'pending';
CREATE INDEX role_declarations_abonnee ON role_declarations (abonnee_id, status);
CREATE INDEX role_declarations_person ON role_declarations (person_id);

-- The third source of a role: declared by the care worker, confirmed by the abonnee.
ALTER TABLE employments DROP CONSTRAINT employments_rol_code_bron_check;
ALTER TABLE employments ADD CONSTRAINT employments_rol_code_bron_check
  CHECK (rol_code_bron IN ('big', 'abonnee', 'zelfverklaring'));

-- A verklaring issued under a mandate rests on the mandate and on the mandator's person and
-- employment too: ending any of them revokes it (verklaring.ts revokeVerklaringen).
ALTER TABLE verklaringen ADD COLUMN mandate_id uuid REFERENCES mandates (id);
ALTER TABLE verklaringen ADD COLUMN mandator_person_id uuid REFERENCES persons (id);
ALTER TABLE verklaringen ADD COLUMN mandator_employment_id uuid REFERENCES employments (id);
CREATE INDEX verklaringen_mandate ON verklaringen (mandate_id) WHERE status = 'active' AND mandate_id IS NOT NULL;
CREATE INDEX verklaringen_mandator_person ON verklaringen (mandator_person_id)
  WHERE status = 'active' AND mandator_person_id IS NOT NULL;
CREATE INDEX verklaringen_mandator_employment ON verklaringen (mandator_employment_id)
  WHERE status = 'active' AND mandator_employment_id IS NOT NULL;
