-- The provider and model a file was asked of: an answer is reused only for the same question, so a scan that names
-- another provider asks again. Rows from before carry auto, what every scan asked then.
alter table scan_files add column if not exists provider text not null default 'auto';
alter table scan_files add column if not exists model text not null default 'auto';
