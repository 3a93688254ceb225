-- The upstream's own window, learned from its rate-limit headers (RateBudget): the answer whose
-- X-RateLimit-Remaining binds now is that of permit remaining_after_permit, taken at remaining_permit_taken_at.
alter table quota_state add column remaining_permit_taken_at timestamptz;
-- The permits that count against that answer's X-RateLimit-Remaining (taken after it, or up to the margin
-- before it), kept as a count so that taking a permit costs the same however many the window holds.
alter table quota_state add column taken_since_answer bigint not null default 0;
-- Once that answer's reset has passed, one call (the window probe) goes out alone: its answer says what the
-- new window holds, whether the upstream's windows are fixed or slide.
alter table quota_state add column window_probe_permit bigint;
alter table quota_state add column window_probe_at timestamptz;
-- What the answers taught about the window's length (the longest time to a reset seen) and alignment.
alter table quota_state add column window_seconds integer;
alter table quota_state add column window_aligned boolean;
-- Gempix2 answers in a row without usable rate-limit headers: past a few, the configured limit applies again,
-- counting the calls made since then (prior_since), not those made under Gempix2's own window.
alter table quota_state add column answers_without_headers integer not null default 0;
alter table quota_state add column prior_since timestamptz;
