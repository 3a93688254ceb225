-- A request without a usable requestId is rejected under its record key: its ce_id is the key + ":rejected",
-- and a key may be longer than any requestId.
alter table outbox_event alter column ce_id type text;
