package com.gempix2.orchestrator.quota;

import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

/**
 * The account's call budget, kept in PostgreSQL so that every replica shares it and it survives
 * restarts. A call may be made only after taking a permit, and at most {@code limit} permits exist in
 * any window of {@code window + margin}: a sliding window never exceeds the upstream's fixed one,
 * wherever its boundaries fall. Gempix2's rate-limit headers and error codes tighten it further (see
 * {@link #observe}), and 1001/1002 or an operator pause submissions for all replicas at once.
 *
 * <p>Why not a token bucket (Bucket4j's PostgreSQL backend resolves here): a bucket that refills N per
 * hour lets up to 2N calls through in one hour-long window (a full bucket, then its refill), so it
 * either exceeds the limit or, sized at N/2, wastes half of it. The sliding log is exact.
 */
@Startup
@ApplicationScoped
public class RateBudget {

    private final EntityManager em;
    private final QuotaConfig config;
    private final Clock clock;
    private final Set<Integer> reportedLimits = ConcurrentHashMap.newKeySet();
    private volatile BudgetView last = BudgetView.UNKNOWN;

    RateBudget(EntityManager em, QuotaConfig config, Clock clock, MeterRegistry registry) {
        this.em = em;
        this.config = config;
        this.clock = clock;
        Gauge.builder("gempix2.quota.limit", this, b -> b.last.effectiveLimit())
                .description("Calls the account allows per window: the configured limit, or the upstream's if smaller")
                .register(registry);
        Gauge.builder("gempix2.quota.used", this, b -> b.last.used())
                .description("Calls made in the current window by every replica").register(registry);
        Gauge.builder("gempix2.upstream.paused", this, b -> b.last.submissionsPaused() ? 1 : 0)
                .description("1 while submissions to Gempix2 are paused (credits, key or operator)")
                .tag("scope", "submissions").register(registry);
        Gauge.builder("gempix2.upstream.paused", this, b -> b.last.callsPaused(clock.instant()) ? 1 : 0)
                .description("1 while every call to Gempix2 waits for its rate window to reset")
                .tag("scope", "calls").register(registry);
    }

    /** Takes a permit for one call, committed before the call is made, or says when to ask again. */
    public Permit tryTake(CallKind kind, String endpoint) {
        return QuarkusTransaction.requiringNew().call(() -> {
            QuotaState state = lockState();
            Instant now = clock.instant();
            if (state.callsPaused(now)) {
                return new Permit.Denied(state.callsPausedUntil, state.callsPauseReason, "calls-paused");
            }
            boolean probeDue = false;
            if (kind == CallKind.SUBMISSION && state.submissionsPaused()) {
                if (state.pausedByOperator || state.nextProbeAt == null || state.nextProbeAt.isAfter(now)) {
                    return new Permit.Denied(probeTime(state, now), state.submissionsPauseReason, "submissions-paused");
                }
                probeDue = true;
            }
            long used = used(now);
            int limit = effectiveLimit(state);
            int ceiling = kind == CallKind.POLL ? limit : limit - pollReserve(limit);
            if (used >= ceiling) {
                refresh(state, used);
                return new Permit.Denied(freeAt(now, used - ceiling + 1), "rate budget used up", "budget");
            }
            if (state.remainingApplies(now) && sinceObserved(state) >= state.upstreamRemaining) {
                return new Permit.Denied(state.remainingUntil, "Gempix2 reports no calls remaining until its reset",
                        "upstream-remaining");
            }
            if (probeDue) {
                // This call is the probe: the others keep waiting until it has been answered.
                state.nextProbeAt = now.plus(config.quota().probeInterval());
            }
            long id = ((Number) em.createNativeQuery(
                            "insert into rate_permit (taken_at, endpoint) values (?1, ?2) returning id")
                    .setParameter(1, now)
                    .setParameter(2, endpoint)
                    .getSingleResult()).longValue();
            refresh(state, used + 1);
            return new Permit.Granted(id, probeDue);
        });
    }

    /** Gives back a permit whose call was not made, so that it does not count against the window. */
    public void release(Permit.Granted permit) {
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("delete from rate_permit where id = ?1").setParameter(1, permit.id()).executeUpdate();
            if (permit.probe()) {
                // The probe was not sent: the next submission may probe at once.
                QuotaState state = lockState();
                state.nextProbeAt = clock.instant();
            }
        });
    }

    /**
     * Corrects the budget with what the answer to the call that took {@code permit} says: a smaller
     * X-RateLimit-Limit replaces the configured one; X-RateLimit-Remaining caps the permits taken after
     * that call until its reset; 1003 stops every call; 1001 and 1002 stop submissions until a probe is
     * accepted. One transaction, and only when something changes. It never throws: the answer itself
     * (a uuid, perhaps) matters more than this bookkeeping, which the next answer will redo.
     */
    public void feedback(Permit.Granted permit, Feedback feedback) {
        if (!worthRecording(permit, feedback)) {
            return;
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> record(permit, feedback));
        } catch (RuntimeException e) {
            Log.warnf("Could not record what Gempix2 said about the rate limit (%s): %s", feedback, e.getMessage());
        }
    }

    /** Most answers change nothing: the limit is as known, plenty remain, no pause starts or ends. */
    private boolean worthRecording(Permit.Granted permit, Feedback feedback) {
        BudgetView view = last;
        boolean newLimit = feedback.limit() != null && !feedback.limit().equals(view.upstreamLimit());
        boolean binding = feedback.remaining() != null && feedback.remainingUntil() != null
                && feedback.remaining() < Math.max(1, view.effectiveLimit() - view.used());
        boolean signal = switch (feedback.signal()) {
            case NONE -> false;
            case SUBMISSION_ACCEPTED -> view.submissionsPaused() && !view.pausedByOperator() || permit.probe();
            default -> true;
        };
        return newLimit || binding || signal;
    }

    private void record(Permit.Granted permit, Feedback feedback) {
        QuotaState state = lockState();
        Instant now = clock.instant();
        Integer limit = feedback.limit();
        if (limit != null && !limit.equals(state.upstreamLimit)) {
            state.upstreamLimit = limit;
            if (limit != config.rateLimit() && reportedLimits.add(limit)) {
                Log.warnf("Gempix2 reports a limit of %d calls per window, GEMPIX2_RATE_LIMIT_PER_HOUR is %d: "
                        + "using %d", limit, config.rateLimit(), Math.min(limit, config.rateLimit()));
            }
        }
        // Answers may arrive out of order: only a later call's count replaces an earlier one's.
        if (feedback.remaining() != null && feedback.remainingUntil() != null && feedback.remainingUntil().isAfter(now)
                && (!state.remainingApplies(now) || permit.id() > state.remainingAfterPermit)) {
            state.upstreamRemaining = feedback.remaining();
            state.remainingAfterPermit = permit.id();
            state.remainingUntil = feedback.remainingUntil();
        }
        switch (feedback.signal()) {
            case RATE_LIMITED -> {
                if (state.callsPausedUntil == null || feedback.callsPausedUntil().isAfter(state.callsPausedUntil)) {
                    state.callsPausedUntil = feedback.callsPausedUntil();
                    state.callsPauseReason = "rate limited (1003)";
                }
            }
            case NO_CREDITS, AUTH_FAILED -> {
                if (!state.pausedByOperator) {
                    state.submissionsPauseReason = feedback.signal() == Feedback.Signal.NO_CREDITS
                            ? "insufficient credits (1001)" : "authentication failed (1002)";
                }
                // A new pause, or the probe's own answer, sets the next probe; answers to polls meanwhile do not.
                if (state.nextProbeAt == null || permit.probe()) {
                    state.nextProbeAt = now.plus(config.quota().probeInterval());
                }
                state.pausePermit = state.pausePermit == null ? permit.id() : Math.max(state.pausePermit, permit.id());
            }
            case SUBMISSION_ACCEPTED -> {
                boolean later = permit.probe() || state.pausePermit == null || permit.id() > state.pausePermit;
                if (state.submissionsPaused() && !state.pausedByOperator && later) {
                    Log.infof("Gempix2 accepted a submission again: the pause (%s) is over",
                            state.submissionsPauseReason);
                    state.submissionsPauseReason = null;
                    state.nextProbeAt = null;
                    state.pausePermit = null;
                }
            }
            case NONE -> {
            }
        }
        refresh(state, used(now));
    }

    /** An operator stops submissions until they resume them; polls go on. */
    public BudgetView pauseByOperator() {
        return QuarkusTransaction.requiringNew().call(() -> {
            QuotaState state = lockState();
            state.submissionsPauseReason = "paused by an operator";
            state.pausedByOperator = true;
            state.nextProbeAt = null;
            Log.warn("Submissions paused by an operator");
            return refresh(state, used(clock.instant()));
        });
    }

    /** An operator ends any pause of submissions at once, without waiting for a probe. */
    public BudgetView resumeByOperator() {
        return QuarkusTransaction.requiringNew().call(() -> {
            QuotaState state = lockState();
            if (state.submissionsPaused()) {
                Log.warnf("Submissions resumed by an operator (they were paused: %s)", state.submissionsPauseReason);
            }
            state.submissionsPauseReason = null;
            state.pausedByOperator = false;
            state.nextProbeAt = null;
            state.pausePermit = null;
            return refresh(state, used(clock.instant()));
        });
    }

    /** The budget as last seen by this replica; {@link #view()} reads it afresh. */
    public BudgetView lastView() {
        return last;
    }

    /** Keeps {@link #lastView()} (and the gauges) current while this replica makes no calls. */
    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void refreshView() {
        view();
    }

    /** Reads the shared state afresh. */
    public BudgetView view() {
        return QuarkusTransaction.requiringNew().call(() -> {
            QuotaState state = em.find(QuotaState.class, QuotaState.ID);
            return refresh(state, used(clock.instant()));
        });
    }

    @Scheduled(every = "10m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void dropExpiredPermits() {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("delete from rate_permit where taken_at < ?1")
                .setParameter(1, windowStart(clock.instant()))
                .executeUpdate());
    }

    private QuotaState lockState() {
        return em.find(QuotaState.class, QuotaState.ID, LockModeType.PESSIMISTIC_WRITE);
    }

    private BudgetView refresh(QuotaState state, long used) {
        BudgetView view = new BudgetView(config.rateLimit(), state.upstreamLimit, effectiveLimit(state), used, state.callsPausedUntil,
                state.callsPauseReason, state.submissionsPauseReason, state.nextProbeAt, state.pausedByOperator);
        last = view;
        return view;
    }

    private int effectiveLimit(QuotaState state) {
        return state.upstreamLimit == null ? config.rateLimit() : Math.min(config.rateLimit(), state.upstreamLimit);
    }

    /** Permits held back for polls: the configured share, but never more than the jobs that may need one. */
    private int pollReserve(int limit) {
        int share = (int) Math.ceil(limit * config.quota().pollShare());
        if (share == 0) {
            return 0;
        }
        // Jobs awaiting an outcome are the only ones that will ever poll.
        long awaiting = ((Number) em.createNativeQuery("select count(*) from job where status = 'SUBMITTED'")
                .getSingleResult()).longValue();
        return (int) Math.min(share, awaiting);
    }

    private long sinceObserved(QuotaState state) {
        return ((Number) em.createNativeQuery("select count(*) from rate_permit where id > ?1")
                .setParameter(1, state.remainingAfterPermit)
                .getSingleResult()).longValue();
    }

    private Instant probeTime(QuotaState state, Instant now) {
        if (state.pausedByOperator || state.nextProbeAt == null) {
            return now.plus(config.quota().probeInterval());
        }
        return state.nextProbeAt;
    }

    private Instant windowStart(Instant now) {
        return now.minus(config.window()).minus(config.quota().margin());
    }

    /** Permits taken in the current window, by every replica. */
    private long used(Instant now) {
        return ((Number) em.createNativeQuery("select count(*) from rate_permit where taken_at > ?1")
                .setParameter(1, windowStart(now))
                .getSingleResult()).longValue();
    }

    /** When the {@code n}-th oldest permit of the current window frees its place (n counted from 1). */
    private Instant freeAt(Instant now, long n) {
        Object takenAt = em.createNativeQuery(
                        "select taken_at from rate_permit where taken_at > ?1 order by taken_at offset ?2 limit 1")
                .setParameter(1, windowStart(now))
                .setParameter(2, Math.max(0, n - 1))
                .getResultStream().findFirst().orElse(null);
        Instant free = takenAt == null ? now : toInstant(takenAt).plus(config.window()).plus(config.quota().margin());
        return free.isAfter(now) ? free : now;
    }

    private static Instant toInstant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        return ((java.sql.Timestamp) value).toInstant();
    }
}
