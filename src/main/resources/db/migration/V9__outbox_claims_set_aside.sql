-- The relay publishes outside any transaction: it claims a batch for a while (claimed_until), publishes it,
-- then marks each event sent or, when the broker refuses that record for good, sets it aside with the reason.
-- A claim of a replica that died lapses, and another replica publishes the events again (same bytes, same ce_id).
alter table outbox_event add column claimed_until timestamptz;
alter table outbox_event add column publish_failures integer not null default 0;
alter table outbox_event add column set_aside_at timestamptz;
alter table outbox_event add column set_aside_reason text;

drop index outbox_unsent_idx;
create index outbox_unsent_idx on outbox_event (id) where sent_at is null and set_aside_at is null;
create index outbox_set_aside_idx on outbox_event (set_aside_at) where set_aside_at is not null;
