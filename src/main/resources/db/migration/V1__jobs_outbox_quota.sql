-- One row per requestId, ever: the idempotency key of the whole service.
create table job (
    id                bigserial primary key,
    request_id        varchar(128) not null unique,
    record_key        text,
    payload_hash      varchar(64)  not null,
    generation_type   varchar(16),
    prompt            text,
    aspect_ratio      varchar(8),
    image_url         text,
    image_key         text,
    priority          smallint     not null default 1,
    tenant            varchar(128) not null default 'default',
    deadline          timestamptz,
    metadata          text,
    status            varchar(16)  not null,
    uuid              varchar(128) unique,
    attempts          integer      not null default 0,
    next_attempt_at   timestamptz,
    lease_until       timestamptz,
    next_poll_at      timestamptz,
    polls             integer      not null default 0,
    received_at       timestamptz  not null,
    submitted_at      timestamptz,
    finished_at       timestamptz,
    result_image_url  text,
    error_code        integer,
    error_message     text,
    completed_via     varchar(8),
    version           integer      not null default 0
);

create index job_queued_idx on job (priority, received_at, id) where status = 'QUEUED';
create index job_submitting_idx on job (lease_until) where status = 'SUBMITTING';
create index job_submitted_idx on job (next_poll_at) where status = 'SUBMITTED';

-- Webhooks that arrived before their uuid was stored; matched when the submit response is.
create table parked_webhook (
    uuid        varchar(128) primary key,
    event       varchar(32)  not null,
    image_url   text,
    reason      text,
    received_at timestamptz  not null
);

-- Result events written in the same transaction as the terminal state; a relay publishes them.
create table outbox_event (
    id          bigserial primary key,
    request_id  varchar(128) not null unique,
    record_key  text         not null,
    ce_id       varchar(160) not null,
    ce_type     varchar(64)  not null,
    payload     text         not null,
    created_at  timestamptz  not null,
    sent_at     timestamptz
);

create index outbox_unsent_idx on outbox_event (id) where sent_at is null;

-- Every upstream call takes a permit; the count of permits in the last window is the budget used.
create table rate_permit (
    id        bigserial primary key,
    taken_at  timestamptz not null,
    endpoint  varchar(16) not null
);

create index rate_permit_taken_idx on rate_permit (taken_at);
