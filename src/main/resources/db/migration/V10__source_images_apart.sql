-- Not compatible with replicas of the previous version (they map source_bytes): stop them before starting this one.
-- Source images leave the job row: their bytes wait in a table of their own (never loaded with a job, capped in
-- all and per tenant) until they are uploaded or the job ends. Downloads run apart from dispatch: a job whose
-- image is still to be fetched (source_state FETCH) is not due for dispatch (next_attempt_at far ahead) until
-- a fetcher has stored its bytes (source_state UPLOAD).
create table source_image (
    job_id    bigint       primary key references job (id) on delete cascade,
    tenant    varchar(128) not null,
    size      integer      not null,
    bytes     bytea        not null,
    stored_at timestamptz  not null
);
create index source_image_tenant_idx on source_image (tenant);

alter table job add column source_state varchar(8);
alter table job add column fetch_lease_until timestamptz;
alter table job add column fetch_failures integer not null default 0;

insert into source_image (job_id, tenant, size, bytes, stored_at)
    select id, tenant, length(source_bytes), source_bytes, received_at from job
    where source_bytes is not null and status in ('QUEUED', 'SUBMITTING');
update job set source_state = 'UPLOAD' where id in (select job_id from source_image);
update job set source_state = 'FETCH', next_attempt_at = timestamptz '9999-01-01 00:00:00+00'
    where source_url is not null and image_url is null and image_key is null and source_bytes is null
    and status = 'QUEUED';
-- Claimed for a download that was under way (the download ran inside the claim before): back to the queue to wait
-- for the fetcher, the claim's attempt given back, as the old code did after a download.
update job set status = 'QUEUED', attempts = greatest(attempts - 1, 0), lease_until = null, source_state = 'FETCH',
    next_attempt_at = timestamptz '9999-01-01 00:00:00+00'
    where source_url is not null and image_url is null and image_key is null and source_bytes is null
    and status = 'SUBMITTING';
alter table job drop column source_bytes;

create index job_source_fetch_idx on job (priority, received_at, id) where status = 'QUEUED' and source_state = 'FETCH';
