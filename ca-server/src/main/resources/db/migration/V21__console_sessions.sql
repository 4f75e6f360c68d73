-- The RA console's sessions (issue 19): server-side, so that every instance behind the proxy
-- knows them. The cookie holds a random value; only its SHA-256 is stored, so a copy of the
-- database does not let anyone sign in as an operator. Portable SQL (H2 2.x, PostgreSQL 15).
CREATE TABLE console_sessions (
  id_hash       VARCHAR(64)  NOT NULL PRIMARY KEY,       -- hex SHA-256 of the cookie value
  operator_id   VARCHAR(64)  NOT NULL,                   -- the signed-in operator
  csrf_token    VARCHAR(64)  NOT NULL,                   -- the forms' hidden field, per session
  stage         VARCHAR(8)   DEFAULT 'ok' NOT NULL,      -- totp: password accepted, code awaited; ok: signed in
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL,       -- absolute timeout counts from here
  last_seen_at  TIMESTAMP WITH TIME ZONE NOT NULL        -- idle timeout counts from here
);
CREATE INDEX console_sessions_operator ON console_sessions(operator_id);
