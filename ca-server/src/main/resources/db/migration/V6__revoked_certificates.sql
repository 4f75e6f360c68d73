-- What a CRL lists, kept apart from the wide certificates rows (DER, subject...): a CRL of a million
-- entries is then one ordered scan of a narrow primary key instead of a million row lookups and a sort.
-- Written in the transaction that marks the certificate revoked.
CREATE TABLE revoked_certificates (
  ca_id         VARCHAR(16) NOT NULL,
  serial        VARCHAR(40) NOT NULL REFERENCES certificates(serial),
  revoked_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  reason        INTEGER NOT NULL,
  not_after     TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (ca_id, serial)
);
INSERT INTO revoked_certificates (ca_id, serial, revoked_at, reason, not_after)
  SELECT ca_id, serial, revoked_at, COALESCE(revocation_reason, 0), not_after FROM certificates WHERE status = 'revoked';
