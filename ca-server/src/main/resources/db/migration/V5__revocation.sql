-- Revocation: the CRL number of each issuing CA, strictly increasing across restarts and instances.
CREATE TABLE crl_state (
  ca_id         VARCHAR(16) PRIMARY KEY,
  crl_number    BIGINT NOT NULL,
  this_update   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX certificates_revoked ON certificates(ca_id, status, not_after);
