-- Issue 17, several instances on one CA. Portable SQL: runs unchanged on H2 2.x and PostgreSQL 15.

-- The CA hierarchy this database belongs to: at most one row (the primary key is the constant 1),
-- inserted by the first instance, in the transaction that also writes its keystore (test
-- environment) or records the configured one (production). Every later instance checks that the
-- keys it loaded are these certificates, and refuses to start otherwise (pki/HierarchyRecord).
-- Fingerprints are SHA-256 of the DER certificate, hex; the certificates themselves are kept too,
-- so that an operator (or an instance without its keystore) can say which CA this is.
CREATE TABLE ca_hierarchy (
  id                 INTEGER PRIMARY KEY CHECK (id = 1),
  root_sha256        VARCHAR(64) NOT NULL,
  org_sha256         VARCHAR(64) NOT NULL,
  pro_sha256         VARCHAR(64) NOT NULL,
  root_der           BYTEA NOT NULL,
  org_der            BYTEA NOT NULL,
  pro_der            BYTEA NOT NULL,
  keystore_ref       VARCHAR(500) NOT NULL,     -- where the keys are: file and aliases (no secret)
  secret_check       VARCHAR(64),               -- HKDF check value of the keystore's CA secret
  recorded_by        VARCHAR(120) NOT NULL,
  recorded_at        TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Settings every instance of the CA must share (what certificates, CRLs and OCSP answers say):
-- written with the hierarchy, compared at every start (config/SharedSettings).
CREATE TABLE ca_settings (
  name               VARCHAR(64) PRIMARY KEY,
  setting_value      VARCHAR(2000) NOT NULL
);

-- The delegated OCSP responder served for each issuing CA. Renewed at run time by the instance
-- holding the responder-renewal lease, which writes the new key into the shared keystore and then
-- this row; the other instances see the serial change and load that entry from the keystore.
CREATE TABLE ca_responders (
  ca_id              VARCHAR(16) PRIMARY KEY,
  serial             VARCHAR(64) NOT NULL,
  certificate_der    BYTEA NOT NULL,
  recorded_at        TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The latest signed CRL of each CA, so that every instance serves the same CRL (same number,
-- same bytes). A CRL replaces the stored one only if its number is higher: one conditional UPDATE
-- of a row that exists from the start (number 0, no CRL yet), so racing instances never collide.
CREATE TABLE crl_published (
  ca_id              VARCHAR(16) PRIMARY KEY,
  crl_number         BIGINT NOT NULL,
  der                BYTEA,
  this_update        TIMESTAMP WITH TIME ZONE,
  next_update        TIMESTAMP WITH TIME ZONE
);
INSERT INTO crl_published (ca_id, crl_number) VALUES ('root', 0);
INSERT INTO crl_published (ca_id, crl_number) VALUES ('org', 0);
INSERT INTO crl_published (ca_id, crl_number) VALUES ('pro', 0);

-- Scheduled jobs run on one instance at a time: a run is claimed by one conditional UPDATE of the
-- job's row (jobs/JobLeases). holder keeps the lease until expires_at; another instance may claim
-- it once it has expired (holder dead, or stopped and released it).
CREATE TABLE job_leases (
  job                VARCHAR(64) PRIMARY KEY,
  holder             VARCHAR(120),
  expires_at         TIMESTAMP WITH TIME ZONE,
  last_run_at        TIMESTAMP WITH TIME ZONE,
  runs               BIGINT DEFAULT 0 NOT NULL
);
INSERT INTO job_leases (job) VALUES ('crl-regeneration');
INSERT INTO job_leases (job) VALUES ('ocsp-responder-renewal');
INSERT INTO job_leases (job) VALUES ('order-recovery');
INSERT INTO job_leases (job) VALUES ('nonce-purge');
INSERT INTO job_leases (job) VALUES ('audit-checkpoint');

-- Each instance polls the revocations of the last minutes to drop its cached OCSP answers.
CREATE INDEX revoked_certificates_revoked_at ON revoked_certificates(revoked_at);
