-- The retention sweep deletes by age; without these it would scan the whole table for each chunk it deletes.
-- Concurrently, so a deployment with large tables keeps writing while they build (Flyway runs this script outside
-- a transaction).
create index concurrently if not exists analysis_results_completed on analysis_results (completed_at);
create index concurrently if not exists usage_ledger_occurred on usage_ledger (occurred_at);
