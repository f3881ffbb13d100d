-- Keys may expire (set at creation or by a rotation's grace period), and the gateway notes when each was last
-- used (to the minute), so an admin can tell whether a key being rotated out is still in use.
alter table gateway_api_keys add column expires_at timestamptz;
alter table gateway_api_keys add column last_used_at timestamptz;
