-- The retention sweep deletes by age; without these it would scan the whole table for each chunk it deletes.
-- Not concurrently: Flyway holds a transaction open on another connection while it migrates, which a concurrent
-- index build waits for. Writes to these tables wait while they build (seconds for millions of rows).
create index if not exists analysis_results_completed on analysis_results (completed_at);
create index if not exists usage_ledger_occurred on usage_ledger (occurred_at);
