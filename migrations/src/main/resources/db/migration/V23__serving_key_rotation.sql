-- Per-agent serving keys can be rotated without enrolling again, and the serving secret itself across the fleet
-- (issue #17, item 6). Keys are still derived, never stored: HMAC(serving secret, agent id and key generation).
--   serving_key_generation / _secret: the newest key the control plane issued (heartbeats hand it to the agent);
--   serving_key_confirmed / _confirmed_secret: the key the agent last confirmed holding, which gateways present.
-- A *_secret names the configured serving secret that derives the key by its fingerprint; NULL (agents enrolled
-- before this migration) means the oldest configured secret, the one they were enrolled under.
ALTER TABLE agents ADD COLUMN serving_key_generation integer NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN serving_key_secret text;
ALTER TABLE agents ADD COLUMN serving_key_confirmed integer NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN serving_key_confirmed_secret text;
ALTER TABLE agents ADD COLUMN serving_key_rotated_at timestamptz;
ALTER TABLE agents ADD COLUMN serving_key_confirmed_at timestamptz;
