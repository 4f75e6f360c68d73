-- Foundation schema: serial numbers, certificates, blocked keys, audit chain.
-- Portable SQL: runs unchanged on H2 2.x and PostgreSQL 15.

-- Every serial ever drawn is recorded here before the certificate is signed, so a crash between
-- signing and storing can never lead to the same serial being used twice (RFC 5280 §4.1.2.2).
CREATE TABLE serials (
  serial      VARCHAR(40) PRIMARY KEY,
  ca_id       VARCHAR(16) NOT NULL,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE certificates (
  serial             VARCHAR(40) PRIMARY KEY REFERENCES serials(serial),
  ca_id              VARCHAR(16) NOT NULL,
  profile            VARCHAR(32) NOT NULL,
  subject_dn         VARCHAR(1024) NOT NULL,
  common_name        VARCHAR(255),
  structure_id       VARCHAR(32),
  admin_card         VARCHAR(16),
  account_id         BIGINT,
  order_id           BIGINT,
  key_hash           VARCHAR(64) NOT NULL,
  not_before         TIMESTAMP WITH TIME ZONE NOT NULL,
  not_after          TIMESTAMP WITH TIME ZONE NOT NULL,
  der                BYTEA NOT NULL,
  status             VARCHAR(16) NOT NULL,
  revoked_at         TIMESTAMP WITH TIME ZONE,
  revocation_reason  INTEGER,
  created_at         TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX certificates_key_hash ON certificates(key_hash);
CREATE INDEX certificates_structure ON certificates(structure_id);
CREATE INDEX certificates_admin ON certificates(admin_card);
CREATE INDEX certificates_not_after ON certificates(not_after);
CREATE INDEX certificates_ca_status ON certificates(ca_id, status);

-- Public keys that may never be certified again (key compromise, weak keys).
CREATE TABLE blocked_keys (
  key_hash    VARCHAR(64) PRIMARY KEY,
  reason      VARCHAR(255) NOT NULL,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Append-only audit trail; each row's hash covers the previous row's hash (a hash chain).
CREATE TABLE audit_log (
  seq         BIGINT PRIMARY KEY,
  at          TIMESTAMP WITH TIME ZONE NOT NULL,
  actor       VARCHAR(255) NOT NULL,
  action      VARCHAR(64) NOT NULL,
  subject     VARCHAR(255) NOT NULL,
  details     VARCHAR(4000),
  prev_hash   VARCHAR(64) NOT NULL,
  hash        VARCHAR(64) NOT NULL
);

-- One row: the chain's head. Updating it first serialises appends across instances.
CREATE TABLE audit_head (
  id          INTEGER PRIMARY KEY,
  seq         BIGINT NOT NULL,
  hash        VARCHAR(64) NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
