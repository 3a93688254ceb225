package com.gempix2.orchestrator.quota;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * The account's call budget, kept in PostgreSQL so that it survives restarts and is shared by
 * every replica: a call may be made only after taking a permit, and at most {@code limit} permits
 * exist in any window of {@code window} length (a sliding window never exceeds the upstream's
 * fixed one, wherever its boundaries fall).
 */
@Startup
@ApplicationScoped
public class RateBudget {

    /** Advisory-lock key that serialises permit taking across replicas. */
    private static final long PERMIT_LOCK = 7002;

    private final EntityManager em;
    private final QuotaConfig config;
    private final Clock clock;

    RateBudget(EntityManager em, QuotaConfig config, Clock clock, MeterRegistry registry) {
        this.em = em;
        this.config = config;
        this.clock = clock;
        Gauge.builder("gempix2.quota.limit", config, QuotaConfig::rateLimit)
                .description("Calls the account allows per window").register(registry);
    }

    /**
     * Takes a permit for one call to {@code endpoint}, committed before the call is made.
     *
     * @return empty when granted, else the earliest instant a permit may be free again
     */
    public Optional<Instant> tryTake(String endpoint) {
        return QuarkusTransaction.requiringNew().call(() -> {
            em.createNativeQuery("select pg_advisory_xact_lock(?1)").setParameter(1, PERMIT_LOCK).getSingleResult();
            Instant now = clock.instant();
            Instant windowStart = now.minus(config.window());
            Object[] row = (Object[]) em.createNativeQuery(
                            "select count(*), min(taken_at) from rate_permit where taken_at > ?1")
                    .setParameter(1, windowStart)
                    .getSingleResult();
            long used = ((Number) row[0]).longValue();
            if (used >= config.rateLimit()) {
                Instant oldest = row[1] == null ? now : toInstant(row[1]);
                return Optional.of(oldest.plus(config.window()));
            }
            em.createNativeQuery("insert into rate_permit (taken_at, endpoint) values (?1, ?2)")
                    .setParameter(1, now)
                    .setParameter(2, endpoint)
                    .executeUpdate();
            return Optional.empty();
        });
    }

    /** Permits left in the current window; a cheap look before claiming work. */
    public long remaining() {
        return QuarkusTransaction.joiningExisting().call(() -> {
            long used = ((Number) em.createNativeQuery("select count(*) from rate_permit where taken_at > ?1")
                    .setParameter(1, clock.instant().minus(config.window()))
                    .getSingleResult()).longValue();
            return Math.max(0, config.rateLimit() - used);
        });
    }

    @Scheduled(every = "10m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void dropExpiredPermits() {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("delete from rate_permit where taken_at < ?1")
                .setParameter(1, clock.instant().minus(config.window()))
                .executeUpdate());
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
