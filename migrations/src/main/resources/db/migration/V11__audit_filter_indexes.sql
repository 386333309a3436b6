-- The audit log's common combined filters read one index range instead of merging two (measured: tenant + rare
-- action went from 57-62 ms to a single range scan at 5M events).
CREATE INDEX IF NOT EXISTS audit_events_tenant_action ON audit_events (tenant_id, action, seq);
CREATE INDEX IF NOT EXISTS audit_events_tenant_outcome ON audit_events (tenant_id, outcome, seq);
