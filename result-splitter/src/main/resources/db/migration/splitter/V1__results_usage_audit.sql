-- Owned by the result splitter. Other modules keep their own migration locations and history tables.

-- One row per request: the terminal result exactly as delivered to the client. Re-delivery after a crash
-- upserts the same row, so the table never holds two results for one requestId.
create table analysis_results (
    request_id      text primary key,
    client_id       text        not null,
    status          text        not null,
    served_provider text,
    served_model    text,
    degraded        boolean     not null default false,
    cached          boolean     not null,
    batch_id        text        not null,
    result          jsonb       not null,
    completed_at    timestamptz not null,
    stored_at       timestamptz not null default now()
);
create index analysis_results_client_time on analysis_results (client_id, completed_at);
create index analysis_results_batch on analysis_results (batch_id);

-- What each request cost. Keyed by request so a replay never charges twice; a provider call shared by coalesced
-- requesters is charged to one of them (shared = false) and recorded at zero for the others (shared = true).
create table usage_ledger (
    request_id         text primary key,
    client_id          text           not null,
    provider           text           not null,
    model              text           not null,
    input_tokens       bigint         not null,
    output_tokens      bigint         not null,
    cache_read_tokens  bigint         not null,
    cost_usd           numeric(18, 8) not null,
    cached             boolean        not null,
    shared             boolean        not null,
    occurred_at        timestamptz    not null
);
create index usage_ledger_client_time on usage_ledger (client_id, occurred_at);

-- Admin actions (cache invalidations and the like). action_id makes recording idempotent when several
-- instances see the same broadcast action.
create table admin_audit_log (
    action_id   text primary key,
    action      text        not null,
    target      text,
    actor       text,
    detail      jsonb,
    occurred_at timestamptz not null
);
create index admin_audit_log_time on admin_audit_log (occurred_at);
