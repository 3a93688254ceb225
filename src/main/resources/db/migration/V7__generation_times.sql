-- How long a job's generation took (from its webhook, exact) or takes at least (from a poll that found it still
-- running, with Gempix2's own estimate of the rest), in milliseconds: the poller learns from these when a
-- webhook is overdue.
alter table job add column generation_ms bigint;
create index job_generation_sample_idx on job (generation_type, aspect_ratio, finished_at desc)
    where generation_ms is not null;
-- The latest outcomes and how they were learned: when only polls bring them, the webhooks have stopped.
create index job_outcome_route_idx on job (finished_at desc) where completed_via is not null;
-- A webhook came for the job, whatever became of it (applied, confirmed by a poll, or after a poll had finished
-- the job): the webhooks work, even when a poll brought the outcome.
alter table job add column webhook_seen boolean not null default false;
