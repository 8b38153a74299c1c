-- Registration fees (vergoeding): invoices per abonnee and period with the lines behind them, the
-- payments the operator records, and reminders for what is paid late. The tariff itself is
-- configuration (DEZI_TARIFF_FILE); an invoice keeps the amounts it was made with. An invitation
-- may now also be declined by the person it is addressed to.

-- Invoice numbers, one gapless series per year of issue (DEZI-2026-000123). The counter is raised
-- in the transaction that inserts the invoice: a run that fails rolls both back, so no number is
-- ever skipped.
CREATE TABLE invoice_number_series (
  year int PRIMARY KEY CHECK (year BETWEEN 2000 AND 9999),
  last_number int NOT NULL CHECK (last_number BETWEEN 1 AND 999999)
);

CREATE TABLE invoices (
  id uuid PRIMARY KEY,
  number text NOT NULL UNIQUE CHECK (number ~ '^DEZI-[0-9]{4}-[0-9]{6}$'),
  abonnee_id uuid NOT NULL REFERENCES abonnees (id),
  -- '2026-11' (a month) or '2026-Q4' (a quarter); its first day and the first day after it.
  period text NOT NULL CHECK (period ~ '^[0-9]{4}-([0-9]{2}|Q[1-4])$'),
  period_start date NOT NULL,
  period_end date NOT NULL CHECK (period_end > period_start),
  issue_date date NOT NULL,
  due_date date NOT NULL CHECK (due_date >= issue_date),
  total_cents bigint NOT NULL CHECK (total_cents > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  -- One invoice per abonnee and period: running a period again makes nothing new.
  UNIQUE (abonnee_id, period)
);
CREATE INDEX invoices_abonnee ON invoices (abonnee_id, issue_date DESC);

-- What an invoice charges for, as it stood when the invoice was made (a later name or role change
-- does not rewrite an issued invoice).
CREATE TABLE invoice_lines (
  invoice_id uuid NOT NULL REFERENCES invoices (id),
  line_no int NOT NULL CHECK (line_no >= 1),
  item text NOT NULL CHECK (item IN ('abonnee-registration', 'employment-registration')),
  -- The abonnee (abonnee-registration) or the employment (employment-registration) charged for.
  subject_id uuid NOT NULL,
  event_date date NOT NULL,
  dezi_nummer char(9),
  person_name text,
  rol_code text,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  PRIMARY KEY (invoice_id, line_no),
  -- A registration is charged once, ever, whatever periods the invoices were made for.
  UNIQUE (item, subject_id)
);

CREATE TABLE invoice_payments (
  id uuid PRIMARY KEY,
  invoice_id uuid NOT NULL REFERENCES invoices (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  paid_on date NOT NULL,
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoice_payments_invoice ON invoice_payments (invoice_id);

CREATE TABLE invoice_reminders (
  invoice_id uuid NOT NULL REFERENCES invoices (id),
  seq int NOT NULL CHECK (seq >= 1),
  sent_on date NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (invoice_id, seq)
);

ALTER TABLE invitations DROP CONSTRAINT invitations_status_check;
ALTER TABLE invitations ADD CONSTRAINT invitations_status_check
  CHECK (status IN ('pending', 'accepted', 'withdrawn', 'declined'));

-- Mijn Dezi lists a person's verklaringen of every status, and the abonnee portal the abonnee's
-- own audit entries, newest first. (IF NOT EXISTS: beheer's search may want the same index.)
CREATE INDEX verklaringen_person_issued ON verklaringen (person_id, not_before DESC);
CREATE INDEX IF NOT EXISTS audit_events_abonnee ON audit_events (abonnee_nummer, at);
