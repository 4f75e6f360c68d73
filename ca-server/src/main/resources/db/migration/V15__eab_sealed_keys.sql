-- Issue 15 item 9: EAB HMAC keys are stored encrypted (registry/EabKeySealer: AES-256-GCM under a
-- key derived from the CA keystore's secret entry, the kid as associated data). hmac_key, the clear
-- key of earlier versions, is kept only until the server's start-up seals it into hmac_key_sealed
-- and empties it (the SQL migration cannot: the key is in the keystore). A consumed credential's
-- key is erased: it can bind nothing more.
ALTER TABLE eab_credentials ADD COLUMN hmac_key_sealed BYTEA;
ALTER TABLE eab_credentials ALTER COLUMN hmac_key DROP NOT NULL;
