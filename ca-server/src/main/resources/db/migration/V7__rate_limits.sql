-- Rate limits as GCRA (generic cell rate algorithm): one row per limited key ("account:7",
-- "structure:318751275100020") holding its theoretical arrival time in epoch milliseconds. A check
-- reads and updates one row under its lock, whatever the number of past orders (counting them
-- grew with every order in the window).
CREATE TABLE rate_limits (
  limit_key  VARCHAR(64) PRIMARY KEY,
  tat_ms     BIGINT NOT NULL
);
