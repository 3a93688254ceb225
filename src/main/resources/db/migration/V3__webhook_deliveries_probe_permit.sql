-- A webhook for an unknown uuid whose completion must be confirmed with Gempix2 once the job is known.
alter table parked_webhook add column confirm boolean not null default false;

-- Signed webhooks seen, by webhook-id: a replay has no second effect.
create table webhook_delivery (
    id          varchar(256) primary key,
    received_at timestamptz  not null
);

-- The permit whose answer paused submissions (1001, 1002): answers to earlier calls do not resume them.
alter table quota_state add column pause_permit bigint;
