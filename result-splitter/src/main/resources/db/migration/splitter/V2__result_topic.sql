-- The topic each result was delivered to. A repository scan names its own reply topic
-- (athena.results.<clientId>.<scan>), so "the results of a scan" are the rows delivered there.
alter table analysis_results add column delivered_to text;
create index analysis_results_client_topic on analysis_results (client_id, delivered_to);
