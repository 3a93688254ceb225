-- What Gempix2 answered to a permit's call once the budget runs low: its X-RateLimit-Remaining and reset
-- (RateBudget). In a fixed window Remaining only falls, so every call answered with that reset was counted
-- in the lowest Remaining seen; only the permits without an answer may not have been.
alter table rate_permit add column answered_remaining integer;
alter table rate_permit add column answered_reset timestamptz;
