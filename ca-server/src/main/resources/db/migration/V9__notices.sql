-- Notices by e-mail (issue 14): recipients' language and the "e-mail to inform" (cc) of a
-- habilitation, the outbox grown into a delivery queue with claims, and the expiry scan's progress.
-- Portable SQL: runs unchanged on H2 2.x and PostgreSQL 15.

-- Language of the notices: the signatory and the addresses to inform follow the habilitation's,
-- an administrator (and the contacts of their ACME accounts) their own. French unless said otherwise.
ALTER TABLE habilitations ADD COLUMN language VARCHAR(2) DEFAULT 'fr' NOT NULL;
-- Seed 004's "e-mail d'une personne à informer" (CC): a JSON array of addresses, possibly empty.
ALTER TABLE habilitations ADD COLUMN inform_emails VARCHAR(1300) DEFAULT '[]' NOT NULL;
ALTER TABLE administrators ADD COLUMN language VARCHAR(2) DEFAULT 'fr' NOT NULL;

-- One outbox row is one message to one recipient. state: pending -> sent | failed | cancelled.
-- A pending row is due when next_attempt_at has passed and it is not claimed (claim_expires_at
-- null or past): an instance claims it by a conditional UPDATE, sends, then marks it sent.
ALTER TABLE outbox ADD COLUMN state VARCHAR(10) DEFAULT 'pending' NOT NULL;
ALTER TABLE outbox ADD COLUMN role VARCHAR(8) DEFAULT 'to' NOT NULL;          -- to | cc (informed)
ALTER TABLE outbox ADD COLUMN language VARCHAR(2) DEFAULT 'fr' NOT NULL;
ALTER TABLE outbox ADD COLUMN html_body VARCHAR(16000);
ALTER TABLE outbox ADD COLUMN serial VARCHAR(40);                              -- certificate concerned, if any
-- Unique per (notice, recipient) when the notice can be produced twice (expiry scans): a re-scan,
-- or a second instance scanning, can never enqueue the same message again.
ALTER TABLE outbox ADD COLUMN notice_key VARCHAR(320);
ALTER TABLE outbox ADD COLUMN attempts INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE outbox ADD COLUMN next_attempt_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE outbox ADD COLUMN claimed_by VARCHAR(80);
ALTER TABLE outbox ADD COLUMN claim_expires_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE outbox ADD COLUMN last_error VARCHAR(1000);
ALTER TABLE outbox ADD COLUMN sent_by VARCHAR(80);                            -- instance that delivered it
UPDATE outbox SET state = CASE WHEN sent_at IS NULL THEN 'pending' ELSE 'sent' END, next_attempt_at = created_at;
CREATE UNIQUE INDEX outbox_notice_key ON outbox(notice_key);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_claim ON outbox(claimed_by);

-- Expiry scan progress, one row per certificate entering the notice horizon: the smallest
-- threshold already handled (milliseconds before notAfter; null = none yet) and when to look again.
-- A certificate is read by the scan about once per threshold, whatever the scan frequency.
CREATE TABLE expiry_notice_progress (
  serial          VARCHAR(40) PRIMARY KEY REFERENCES certificates(serial),
  last_offset_ms  BIGINT,
  next_check_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX expiry_notice_progress_next ON expiry_notice_progress(next_check_at);

-- One row: updating it first serialises expiry scans across instances (as audit_head serialises
-- audit appends); scanned_at lets an instance skip a scan another one has just done.
CREATE TABLE notice_scan (
  id          INTEGER PRIMARY KEY,
  scanned_at  TIMESTAMP WITH TIME ZONE,
  scanned_by  VARCHAR(80)
);
INSERT INTO notice_scan (id, scanned_at, scanned_by) VALUES (1, NULL, NULL);
