-- The retention sweep deletes submissions by age. Not concurrently: Flyway holds a transaction open on another
-- connection while it migrates, which a concurrent index build waits for. Submissions wait while it builds.
create index if not exists gateway_submissions_created on gateway_submissions (created_at);
