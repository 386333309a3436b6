-- An agent's capacity is its own claim: until a platform admin approves it, placement believes at most
-- MMAAS_AGENT_UNAPPROVED_MEMORY_BYTES; afterwards at most what was approved (issue #17, item 6).
ALTER TABLE agents ADD COLUMN approved_capabilities jsonb;
-- Agents enrolled before this rule were trusted as they reported: they stay so.
UPDATE agents SET approved_capabilities = capabilities;
