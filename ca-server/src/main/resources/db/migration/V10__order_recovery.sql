-- Crash recovery of orders left in processing (issue 15 item 8). Portable SQL: runs unchanged on
-- H2 2.x and PostgreSQL 15.

-- finalize moves an order to processing, reserves its serial and now also keeps its CSR, in the
-- one UPDATE it already made: certificate_serial holds the reserved serial from then on (shown to
-- the client only once the order is valid) and csr the request, cleared once the order is valid or
-- invalid. An instance that finds the order still processing long after (its finalize died before
-- the certificate was stored) can thus sign again with the same serial and the same CSR.
ALTER TABLE acme_orders ADD COLUMN csr BYTEA;

-- The periodic scan for orders stuck in processing (status, then the age of the last change).
CREATE INDEX acme_orders_status_updated ON acme_orders(status, updated_at);
