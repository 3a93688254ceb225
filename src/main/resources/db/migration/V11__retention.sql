-- Retention: finished jobs, sent results, webhook deliveries, tenant turns, uploads and early cancels are purged
-- once older than their configured time (gempix2.retention.*). A purged job leaves its requestId and payload hash
-- here, so that a request sent again is still known for gempix2.retention.request-ids: one generation per
-- requestId within that time.
create table retired_request (
    request_id   varchar(128) primary key,
    payload_hash varchar(64)  not null,
    retired_at   timestamptz  not null
);
create index retired_request_at_idx on retired_request (retired_at);

create index webhook_delivery_received_idx on webhook_delivery (received_at);
create index tenant_turn_served_idx on tenant_turn (last_served_at);
create index uploaded_source_at_idx on uploaded_source (uploaded_at);
create index early_cancel_received_idx on early_cancel (received_at);
