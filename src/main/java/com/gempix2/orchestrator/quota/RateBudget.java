package com.gempix2.orchestrator.quota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import com.gempix2.orchestrator.config.QuotaConfig;

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
 * restarts. A call may be made only after taking a permit.
 *
 * <p>Gempix2's rate-limit headers describe its own window, and once it has answered with them they are
 * the budget: X-RateLimit-Remaining calls may follow the call that reported it until X-RateLimit-Reset.
 * That holds whether the upstream's windows are fixed (aligned to the clock or opened by a first call)
 * or slide. When that reset has passed, one call goes out alone, the window probe: its answer tells what
 * the new window holds, so a fixed window is used from its first second and a sliding one exactly as its
 * calls age out. The configured limit and window (the prior) apply until Gempix2 has answered with its
 * headers, and again after it has answered {@value #FORGET_AFTER} times in a row without them: then at
 * most {@code limit} permits exist in any window of {@code window + margin}, which never exceeds a fixed
 * window of that length wherever its boundaries fall. 1003 stops every call, and 1001/1002 or an
 * operator pause submissions, for all replicas at once.
 *
 * <p>Why not a token bucket (Bucket4j's PostgreSQL backend resolves here): a bucket that refills N per
 * hour lets up to 2N calls through in one hour-long window (a full bucket, then its refill), so it
 * either exceeds the limit or, sized at N/2, wastes half of it; and it cannot follow the upstream's count.
 *
 * <p>Permits are SQL rows without an entity: each is inserted (its id returned), counted, ranked by time and
 * deleted in bulk, never loaded; the shared state they are checked against ({@link QuotaState}) is an entity,
 * read under a row lock.
 */
@Startup
@ApplicationScoped
public class RateBudget {

    /** Gempix2 answers in a row without usable rate-limit headers after which the prior applies again. */
    static final int FORGET_AFTER = 3;
    /** How soon a call held back by an outstanding window probe asks again. */
    private static final Duration PROBE_RECHECK = Duration.ofMillis(100);
    /** Answers are recorded against their permits while this replica's view has no more calls left than this. */
    private static final long RECORD_ANSWERS_BELOW = 1000;
    /** How soon a budget that ran out with calls unanswered is recounted. */
    private static final Duration RECOUNT_RECHECK = Duration.ofMillis(500);
    /** The longest a call takes from its permit to Gempix2 and back (its timeouts are shorter). */
    private static final Duration CALL_AT_MOST = Duration.ofMinutes(1);

    private final EntityManager em;
    private final PollDemand polls;
    private final QuotaConfig config;
    private final Clock clock;
    private final Set<Integer> reportedLimits = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean forgotten = new AtomicBoolean();
    private volatile BudgetView last = BudgetView.UNKNOWN;

    RateBudget(EntityManager em, QuotaConfig config, Clock clock, MeterRegistry registry, PollDemand polls) {
        this.em = em;
        this.polls = polls;
        this.config = config;
        this.clock = clock;
        Gauge.builder("gempix2.quota.limit", this, b -> b.last.effectiveLimit())
                .description(
                        "Calls the account allows per window: Gempix2's limit once learned, else the configured one")
                .register(registry);
        Gauge.builder("gempix2.quota.used", this, b -> b.last.used())
                .description("Calls made in the current window by every replica").register(registry);
        Gauge.builder("gempix2.quota.window", this, b -> b.last.windowSeconds())
                .description("Length of the rate window: as learned from Gempix2's resets, else the configured one")
                .baseUnit("seconds").register(registry);
        Gauge.builder("gempix2.quota.learned", this, b -> b.last.learned() ? 1 : 0)
                .description("1 while Gempix2's rate-limit headers set the budget, 0 while the configured limit does")
                .register(registry);
        Gauge.builder("gempix2.upstream.paused", this, b -> b.last.submissionsPaused() ? 1 : 0)
                .description("1 while submissions to Gempix2 are paused (credits, key or operator)")
                .tag("scope", "submissions").register(registry);
        Gauge.builder("gempix2.upstream.paused", this, b -> b.last.callsPaused(clock.instant()) ? 1 : 0)
                .description("1 while every call to Gempix2 waits for its rate window to reset")
                .tag("scope", "calls").register(registry);
    }

    /** Takes a permit for one call, committed before the call is made, or says when to ask again. */
    public Permit tryTake(CallKind kind, String endpoint) {
        Permits permits = tryTake(kind, endpoint, 1);
        return permits.granted().isEmpty() ? permits.denied() : permits.granted().get(0);
    }

    /**
     * Takes up to {@code wanted} permits in one transaction, committed before the calls are made; fewer (with
     * the reason and when to ask again) when the budget, a pause or a probe allows no more now.
     */
    public Permits tryTake(CallKind kind, String endpoint, int wanted) {
        return QuarkusTransaction.requiringNew().call(() -> {
            QuotaState state = lockState();
            Instant now = clock.instant();
            List<Permit.Granted> granted = new ArrayList<>();
            long priorUsed = state.learned(FORGET_AFTER) ? 0 : slidingCount(state, now);
            int reserve = kind == CallKind.POLL ? 0 : pollReserve(limit(state));
            Permit.Denied denied = null;
            while (granted.size() < wanted) {
                denied = denial(state, kind, now, priorUsed, reserve);
                if (denied != null) {
                    break;
                }
                granted.add(take(state, kind, endpoint, now, reserve));
                priorUsed++;
            }
            refresh(state, now);
            return new Permits(granted, denied);
        });
    }

    /** Why no further permit may be taken now, or null. */
    private Permit.Denied denial(QuotaState state, CallKind kind, Instant now, long priorUsed, int reserve) {
        if (state.callsPaused(now)) {
            return new Permit.Denied(state.callsPausedUntil, state.callsPauseReason, "calls-paused");
        }
        if (kind == CallKind.SUBMISSION && state.submissionsPaused()
                && (state.pausedByOperator || state.nextProbeAt == null || state.nextProbeAt.isAfter(now))) {
            return new Permit.Denied(probeTime(state, now), state.submissionsPauseReason, "submissions-paused");
        }
        if (state.firstContact(FORGET_AFTER)) {
            // Nothing known of Gempix2's window: one call at a time until it answers, for its headers may hold far
            // less than the configured limit would let out in one burst.
            return windowProbeDenial(state, now);
        }
        return state.learned(FORGET_AFTER) ? learnedDenial(state, now, reserve) : priorDenial(now, priorUsed, reserve);
    }

    private Permit.Granted take(QuotaState state, CallKind kind, String endpoint, Instant now, int reserve) {
        boolean probe = kind == CallKind.SUBMISSION && state.submissionsPaused();
        if (probe) {
            // This call is the probe: the others keep waiting until it has been answered.
            state.nextProbeAt = now.plus(config.quota().probeInterval());
        }
        boolean windowProbe = state.firstContact(FORGET_AFTER) || state.learned(FORGET_AFTER) && left(state) <= reserve;
        long id = ((Number) em.createNativeQuery(
                "insert into rate_permit (taken_at, endpoint) values (?1, ?2) returning id")
                .setParameter(1, now)
                .setParameter(2, endpoint)
                .getSingleResult()).longValue();
        if (state.learned(FORGET_AFTER)) {
            state.takenSinceAnswer++;
        }
        if (windowProbe) {
            // This call alone learns what Gempix2's window holds now; the others wait for its answer.
            state.windowProbePermit = id;
            state.windowProbeAt = now;
        }
        return new Permit.Granted(id, now, probe, windowProbe);
    }

    /**
     * Gempix2's headers bind: the calls its answer in force left, less the permits taken since, minus the polls'
     * share; calls only ever use up what it counted, so the count holds past its reset too. Once that reset (and
     * the margin) has passed, one call beyond the count may go, alone, to learn what the window holds now.
     */
    private Permit.Denied learnedDenial(QuotaState state, Instant now, int reserve) {
        if (left(state) > reserve) {
            return null;
        }
        if (!state.resetPassed(now, config.quota().margin())) {
            OptionalLong unanswered = recountFromAnswers(state, now);
            if (left(state) > reserve) {
                return null;
            }
            // Calls still unanswered may show that fewer were counted: look again soon rather than at the reset.
            Instant retryAt = unanswered.orElse(0) > 0 ? now.plus(RECOUNT_RECHECK)
                    : state.remainingUntil.plus(config.quota().margin());
            return new Permit.Denied(retryAt, "Gempix2 reports no calls remaining until its reset",
                    "upstream-remaining");
        }
        return windowProbeDenial(state, now);
    }

    /**
     * The exact count once the budget runs low. The count against one answer must take every permit taken up to
     * the margin before it as uncounted, and most of those were counted: with several replicas taking permits
     * in batches, a window would end with calls unused. Here, the lowest Remaining recorded for the window in
     * force counted every call answered in it (in a fixed window Remaining only falls), so only the permits
     * without a recorded answer may not be in it. That count replaces the one in force when it leaves more.
     * Returns how many permits are without an answer, or empty when no answer of this window is recorded.
     */
    private OptionalLong recountFromAnswers(QuotaState state, Instant now) {
        // One statement, so one snapshot: answers recorded between two statements would be missing from the
        // lowest Remaining and yet not be counted as unanswered. A permit taken well before the first one
        // answered in this window had its call made before that one's: counted. Any later permit without a
        // recorded answer (none yet, none with headers, or not recorded) may not be; nor one answered with a
        // later reset (a sliding window's calls after its oldest aged out: made after every answer counted here).
        Object[] row = (Object[]) em.createNativeQuery("""
                with answered as (
                    select min(answered_remaining) as lowest, min(taken_at) as first_taken from rate_permit
                    where answered_reset = ?1)
                select answered.lowest,
                       (select count(*) from rate_permit
                        where (answered_remaining is null or answered_reset > ?1)
                        and taken_at >= answered.first_taken - ?2 * interval '1 millisecond'),
                       (select max(id) from rate_permit)
                from answered""")
                .setParameter(1, state.remainingUntil)
                .setParameter(2, config.quota().margin().plus(CALL_AT_MOST).toMillis())
                .getSingleResult();
        if (row[0] == null) {
            return OptionalLong.empty();
        }
        long lowest = ((Number) row[0]).longValue();
        long unanswered = ((Number) row[1]).longValue();
        if (lowest - unanswered > left(state)) {
            Log.debugf("Recounted from the answers: %d remaining, %d unanswered (the count in force left %d)", lowest,
                    unanswered, left(state));
            state.upstreamRemaining = (int) lowest;
            state.takenSinceAnswer = unanswered;
            // Later permits count against it; a release of an earlier one does not (so that one counts twice).
            state.remainingAfterPermit = ((Number) row[2]).longValue();
            state.remainingPermitTakenAt = now;
        }
        return OptionalLong.of(unanswered);
    }

    /** Records what Gempix2 answered to a permit's call, once the budget runs low (see {@link #recountFromAnswers}). */
    private void recordAnswer(Permit.Granted permit, Feedback feedback) {
        if (!feedback.describesWindow(clock.instant()) || last.left() > RECORD_ANSWERS_BELOW) {
            return;
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                    "update rate_permit set answered_remaining = ?1, answered_reset = ?2 where id = ?3")
                    .setParameter(1, feedback.remaining())
                    .setParameter(2, feedback.remainingUntil())
                    .setParameter(3, permit.id())
                    .executeUpdate());
        } catch (RuntimeException e) {
            // The permit then counts as unanswered: a call or two less in this window, never one too many.
            Log.debugf("Could not record the answer to permit %d: %s", permit.id(), e.getMessage());
        }
    }

    private Permit.Denied windowProbeDenial(QuotaState state, Instant now) {
        if (state.windowProbeOutstanding(now, config.quota().windowProbeTimeout())) {
            return new Permit.Denied(now.plus(PROBE_RECHECK), "waiting for Gempix2's answer about its rate window",
                    "window-probe");
        }
        return null;
    }

    /** Before Gempix2 has said anything usable: a sliding log of the configured limit over the configured window. */
    private Permit.Denied priorDenial(Instant now, long used, int reserve) {
        long ceiling = config.rateLimit() - reserve;
        if (used >= ceiling) {
            return new Permit.Denied(freeAt(now, used - ceiling + 1), "rate budget used up", "budget");
        }
        return null;
    }

    /** Gives back a permit whose call was not made, so that it does not count against the window. */
    public void release(Permit.Granted permit) {
        release(List.of(permit));
    }

    /** Gives back permits whose calls were not made. */
    public void release(List<Permit.Granted> permits) {
        if (permits.isEmpty()) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            QuotaState state = lockState();
            Instant now = clock.instant();
            for (Permit.Granted permit : permits) {
                em.createNativeQuery("delete from rate_permit where id = ?1").setParameter(1, permit.id())
                        .executeUpdate();
                if (permit.probe()) {
                    // The probe was not sent: the next submission may probe at once.
                    state.nextProbeAt = now;
                }
                if (Long.valueOf(permit.id()).equals(state.windowProbePermit)) {
                    // Nor was the window probe: another call may take its place at once.
                    state.windowProbePermit = null;
                }
                if (state.learned(FORGET_AFTER) && counted(state, permit.id(), permit.takenAt())) {
                    state.takenSinceAnswer = Math.max(0, state.takenSinceAnswer - 1);
                }
            }
            refresh(state, now);
        });
    }

    /** Whether a permit counts against the answer in force (see {@link #takenSince}). */
    private boolean counted(QuotaState state, long id, Instant takenAt) {
        return id > state.remainingAfterPermit || id != state.remainingAfterPermit
                && !takenAt.isBefore(state.remainingPermitTakenAt.minus(config.quota().margin()));
    }

    /**
     * Corrects the budget with what the answer to the call that took {@code permit} says: its rate-limit
     * headers describe Gempix2's window (see the class comment); 1003 stops every call; 1001 and 1002 stop
     * submissions until a probe is accepted. One transaction, and only when something changes. It never
     * throws: the answer itself (a uuid, perhaps) matters more than this bookkeeping, which the next answer
     * will redo.
     */
    public void feedback(Permit.Granted permit, Feedback feedback) {
        recordAnswer(permit, feedback);
        if (!worthRecording(permit, feedback)) {
            return;
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> record(permit, feedback));
        } catch (RuntimeException e) {
            Log.warnf("Could not record what Gempix2 said about the rate limit (%s): %s", feedback, e.getMessage());
        }
    }

    /**
     * Most answers change nothing: the same window, the count as expected, no pause starts or ends. The
     * check is against this replica's last view; {@link #record} decides on the locked row.
     */
    private boolean worthRecording(Permit.Granted permit, Feedback feedback) {
        BudgetView view = last;
        boolean describes = feedback.describesWindow(clock.instant());
        boolean window = describes && (!view.learned() || view.answersWithoutHeaders() > 0
                || !feedback.limit().equals(view.upstreamLimit())
                || !feedback.remainingUntil().equals(view.windowResetsAt())
                || feedback.remaining() < view.left());
        boolean silent = !describes && feedback.fromGempix2() && view.answersWithoutHeaders() < FORGET_AFTER;
        boolean signal = switch (feedback.signal()) {
            case NONE -> false;
            case SUBMISSION_ACCEPTED -> view.submissionsPaused() && !view.pausedByOperator() || permit.probe();
            default -> true;
        };
        return window || silent || permit.windowProbe() || signal;
    }

    private void record(Permit.Granted permit, Feedback feedback) {
        QuotaState state = lockState();
        Instant now = clock.instant();
        if (feedback.describesWindow(now)) {
            learn(state, permit, feedback, now);
        } else if (feedback.fromGempix2() && state.answersWithoutHeaders < FORGET_AFTER) {
            // Missing, or making no sense (a remaining over the limit, a reset a month away).
            state.answersWithoutHeaders++;
            if (state.answersWithoutHeaders == FORGET_AFTER) {
                // The calls made under Gempix2's window do not count against the configured one.
                state.priorSince = now;
                if (forgotten.compareAndSet(false, true)) {
                    Log.warnf("Gempix2 answered %d times in a row without usable rate-limit headers: the configured "
                            + "limit (%d per %s) applies until they come back", FORGET_AFTER, config.rateLimit(),
                            config.window());
                }
            }
        }
        if (permit.windowProbe() && Long.valueOf(permit.id()).equals(state.windowProbePermit)) {
            // Answered, whatever it said: a later call may probe if this answer taught nothing.
            state.windowProbePermit = null;
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
        refresh(state, now);
    }

    /**
     * Takes in an answer's window: its limit, its length and alignment, and its count, which replaces the
     * one in force when it describes a later window or leaves fewer calls than that one does.
     */
    private void learn(QuotaState state, Permit.Granted permit, Feedback feedback, Instant now) {
        if (state.answersWithoutHeaders >= FORGET_AFTER) {
            Log.info("Gempix2's rate-limit headers are back: its own window sets the budget again");
            forgotten.set(false);
        }
        state.answersWithoutHeaders = 0;
        state.priorSince = null;
        int limit = feedback.limit();
        Instant reset = feedback.remainingUntil();
        if (!Integer.valueOf(limit).equals(state.upstreamLimit)) {
            if (state.upstreamLimit != null || limit != config.rateLimit()) {
                if (reportedLimits.add(limit)) {
                    Log.warnf("Gempix2 reports a limit of %d calls per window (GEMPIX2_RATE_LIMIT_PER_HOUR is %d): "
                            + "its own headers set the budget", limit, config.rateLimit());
                }
            }
            state.upstreamLimit = limit;
            // Another tier: what was learned of the old window's length does not hold.
            state.windowSeconds = null;
        }
        if (reset.isAfter(now)) {
            long toReset = (Duration.between(now, reset).toMillis() + 999) / 1000;
            if (state.windowSeconds == null || toReset > state.windowSeconds) {
                state.windowSeconds = (int) toReset;
            }
            state.windowAligned = reset.getNano() == 0 && reset.getEpochSecond() % state.windowSeconds == 0;
        }
        // Even an answer whose reset has passed by now counts: calls only ever use up what it counted.
        long taken = takenSince(permit.id(), permit.takenAt());
        boolean inForce = state.learned(FORGET_AFTER);
        if (!inForce || reset.isAfter(state.remainingUntil) || feedback.remaining() - taken < left(state)) {
            state.upstreamRemaining = feedback.remaining();
            state.remainingAfterPermit = permit.id();
            state.remainingPermitTakenAt = permit.takenAt();
            state.takenSinceAnswer = taken;
            state.remainingUntil = reset;
            state.windowProbePermit = null;
        }
    }

    /** An operator stops submissions until they resume them; polls go on. */
    public BudgetView pauseByOperator() {
        return QuarkusTransaction.requiringNew().call(() -> {
            QuotaState state = lockState();
            state.submissionsPauseReason = "paused by an operator";
            state.pausedByOperator = true;
            state.nextProbeAt = null;
            Log.warn("Submissions paused by an operator");
            return refresh(state, clock.instant());
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
            return refresh(state, clock.instant());
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
            return refresh(state, clock.instant());
        });
    }

    /** Drops permits that no longer count: older than the configured window and than the count in force. */
    @Scheduled(every = "10m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void dropExpiredPermits() {
        QuarkusTransaction.requiringNew().run(() -> {
            QuotaState state = em.find(QuotaState.class, QuotaState.ID);
            Instant cutoff = windowStart(clock.instant());
            if (state.learned(FORGET_AFTER)) {
                Instant counted = state.remainingPermitTakenAt.minus(config.quota().margin());
                cutoff = counted.isBefore(cutoff) ? counted : cutoff;
            }
            em.createNativeQuery("delete from rate_permit where taken_at < ?1").setParameter(1, cutoff).executeUpdate();
        });
    }

    private QuotaState lockState() {
        return em.find(QuotaState.class, QuotaState.ID, LockModeType.PESSIMISTIC_WRITE);
    }

    private BudgetView refresh(QuotaState state, Instant now) {
        boolean learned = state.learned(FORGET_AFTER);
        int limit = learned ? state.upstreamLimit : config.rateLimit();
        long left;
        if (!learned) {
            left = Math.max(0, limit - slidingCount(state, now));
        } else {
            left = Math.max(0, left(state));
        }
        long windowSeconds = learned && state.windowSeconds != null ? state.windowSeconds : config.window().toSeconds();
        BudgetView view = new BudgetView(learned, config.rateLimit(), state.upstreamLimit, limit,
                Math.max(0, limit - left), left, learned ? state.remainingUntil : null, windowSeconds,
                learned ? state.windowAligned : null, state.windowProbePermit, state.answersWithoutHeaders,
                state.callsPausedUntil, state.callsPauseReason, state.submissionsPauseReason, state.nextProbeAt,
                state.pausedByOperator);
        last = view;
        return view;
    }

    /**
     * Permits held back for polls: the configured share, but never more than the jobs the poller has started on
     * (a poll made, due or deferred). A job whose webhook is on its way needs no poll, so a backlog of fresh
     * submissions holds nothing back while webhooks work; the first poll of a lost webhook may wait for a permit,
     * and from then on its job is reserved for.
     */
    private int pollReserve(int limit) {
        int share = (int) Math.ceil(limit * config.quota().pollShare());
        if (share == 0) {
            return 0;
        }
        // Counting stops at the share.
        return (int) Math.min(share, polls.awaitingPolls(share));
    }

    /** Calls the answer in force still allows: its X-RateLimit-Remaining less the permits taken since. */
    private static long left(QuotaState state) {
        return state.upstreamRemaining - state.takenSinceAnswer;
    }

    private int limit(QuotaState state) {
        return state.learned(FORGET_AFTER) ? state.upstreamLimit : config.rateLimit();
    }

    /**
     * Permits the answer to permit {@code id} cannot have counted: every other one taken after it, or up to the
     * margin before it (a call may reach Gempix2 up to that much after its permit was taken).
     */
    private long takenSince(long id, Instant takenAt) {
        // By id as well as by time: ids are taken under the row lock, times come from each replica's clock.
        return ((Number) em.createNativeQuery(
                "select count(*) from rate_permit where id > ?2 or (taken_at >= ?1 and id <> ?2)")
                .setParameter(1, takenAt.minus(config.quota().margin()))
                .setParameter(2, id)
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

    /** Permits taken in the configured window (and its margin), by every replica, since the prior applies again. */
    private long slidingCount(QuotaState state, Instant now) {
        Instant start = windowStart(now);
        if (state.priorSince != null && state.priorSince.isAfter(start)) {
            start = state.priorSince;
        }
        return ((Number) em.createNativeQuery("select count(*) from rate_permit where taken_at > ?1")
                .setParameter(1, start)
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
