-- Owned by the HTTP gateway; history in flyway_gateway_history so other modules migrate the same database freely.

-- API keys, stored only as HMAC-SHA256 under the server secret. The key itself is shown once at creation.
create table gateway_api_keys (
    key_id     text primary key,
    client_id  text        not null,
    key_hash   bytea       not null unique,
    scopes     text        not null,
    hint       text        not null,
    created_at timestamptz not null,
    revoked_at timestamptz
);
create index gateway_api_keys_client on gateway_api_keys (client_id);

-- Every request accepted over HTTP: proves ownership before the result exists, and makes Idempotency-Key
-- retries return the first id. A NULL idempotency key never conflicts.
create table gateway_submissions (
    request_id       text primary key,
    client_id        text        not null,
    idempotency_hash text,
    body_hash        text        not null,
    created_at       timestamptz not null,
    unique (client_id, idempotency_hash)
);

-- Authentication failures and admin actions. Never holds a key, only key ids and hints.
create table gateway_audit_log (
    id          bigserial primary key,
    occurred_at timestamptz not null,
    event       text        not null,
    actor       text,
    client_ip   text,
    detail      text
);
create index gateway_audit_log_time on gateway_audit_log (occurred_at);

-- The key hashing secret when none is configured: generated once, shared by every gateway instance.
create table gateway_secrets (
    name       text primary key,
    value      bytea       not null,
    created_at timestamptz not null
);
