-- When a submission's record reached Kafka. A claim is committed before the record is produced, so a gateway that
-- stopped between the two left a claim that was never sent: a retry with the same Idempotency-Key sends it then.
alter table gateway_submissions add column sent_at timestamptz;
-- rows from before this column were sent, or released when the send failed
update gateway_submissions set sent_at = created_at;
