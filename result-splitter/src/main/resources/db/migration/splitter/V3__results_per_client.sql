-- Request ids are chosen by each client, so two clients may use the same one: a row is the client's request.
-- Before, the later client's result overwrote the earlier's row (owner included) and its usage was not recorded.
alter table analysis_results drop constraint analysis_results_pkey, add primary key (client_id, request_id);
alter table usage_ledger drop constraint usage_ledger_pkey, add primary key (client_id, request_id);
