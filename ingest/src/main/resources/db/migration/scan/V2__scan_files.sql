-- What the last scan of each repository knew per file: the hash that was submitted, the request that carries it
-- and, once it arrived, its result. Change detection compares against sha256; unchanged files keep result.
create table if not exists scan_files (
    repo_name     text        not null,
    path          text        not null,
    sha256        text        not null,
    analysis_type text        not null,
    request_id    text        not null,
    scan_id       text        not null,
    result        jsonb,
    updated_at    timestamptz not null,
    primary key (repo_name, path)
);
create index if not exists scan_files_request on scan_files (repo_name, request_id);
