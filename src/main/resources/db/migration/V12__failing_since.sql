-- When a job's first failed call was: calls Gempix2 fails while its circuit breaker is open use none of the job's
-- attempts, so the retry budget is also a time (gempix2.dispatch.retry-budget) counted from here.
alter table job add column failing_since timestamptz;
