-- What every replica must agree on about the account, in one row: its row lock serialises permit taking.
create table quota_state (
    id                       smallint primary key check (id = 1),
    -- The X-RateLimit-Limit last reported; the smaller of it and the configured limit wins.
    upstream_limit           integer,
    -- X-RateLimit-Remaining as reported by the answer to the call that took permit remaining_after_permit,
    -- valid until remaining_until (X-RateLimit-Reset): later permits may not outnumber it.
    upstream_remaining       integer,
    remaining_after_permit   bigint,
    remaining_until          timestamptz,
    -- 1003 or a Retry-After: no call at all before then.
    calls_paused_until       timestamptz,
    calls_pause_reason       text,
    -- 1001, 1002 or an operator: no submission while set; past next_probe_at one submission probes.
    submissions_pause_reason text,
    next_probe_at            timestamptz,
    paused_by_operator       boolean not null default false
);
insert into quota_state (id) values (1);

-- Fair share: the tenant served least recently goes first within a priority.
create table tenant_turn (
    tenant         varchar(128) primary key,
    last_served_at timestamptz not null
);

create index job_queued_fair_idx on job (priority, tenant, received_at, id) where status = 'QUEUED';

-- A cancel message for a job that is in flight: its outcome is published as cancelled.
alter table job add column cancel_requested boolean not null default false;

-- A cancel message that arrived before its request: the request is cancelled on arrival.
create table early_cancel (
    request_id  varchar(128) primary key,
    received_at timestamptz not null
);
