-- Professionals a habilitation's PRO offer covers (issue 16 item 1): a PRO certificate's CN is
-- built from this record, never from the CSR. Portable SQL: runs unchanged on H2 2.x and
-- PostgreSQL 15. A removal deletes the row (the audit log keeps the history; certificates keep
-- the CN they were issued with).
CREATE TABLE professionals (
  habilitation_id   BIGINT NOT NULL REFERENCES habilitations(id),
  id_type           VARCHAR(5) NOT NULL,           -- RPPS or ADELI
  id_value          VARCHAR(11) NOT NULL,          -- without the national prefix (8 RPPS, 0 ADELI)
  last_name         VARCHAR(100) NOT NULL,
  first_name        VARCHAR(100) NOT NULL,
  email             VARCHAR(254) NOT NULL,
  created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (habilitation_id, id_type, id_value),
  UNIQUE (habilitation_id, email)
);
