package com.gempix2.orchestrator.job;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.hibernate.Session;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

/**
 * Queries over jobs. Plain finds, row locks and status queries go through Panache (JPQL with enum parameters);
 * raw SQL is kept where it earns its place, each saying why: the claims that skip rows other replicas hold
 * ({@code for update skip locked}, so that several replicas work the same table without waiting on, or doubling,
 * each other), advisory locks, upserts, counts capped by a limit, and the few queries JPQL cannot say.
 */
@ApplicationScoped
public class JobRepository implements PanacheRepositoryBase<Job, Long> {

    /** Advisory-lock namespace for "this uuid": serialises webhook matching with storing the uuid. */
    private static final int UUID_LOCK_SPACE = 7001;
    /** Advisory-lock namespace for "this requestId": serialises intake with cancellation. */
    private static final int REQUEST_ID_LOCK_SPACE = 7003;
    private static final List<Short> PRIORITY_CODES = Arrays.stream(Priority.values())
            .map(priority -> (short) priority.ordinal()).toList();

    public Optional<Job> findByRequestId(String requestId) {
        return find("requestId", requestId).firstResultOptional();
    }

    public Optional<Job> findByUuid(String uuid) {
        return find("uuid", uuid).firstResultOptional();
    }

    /**
     * The (priority, tenant) pairs that have queued jobs, in the order they are served: highest priority first;
     * within it, the tenant served least recently (never served first). A loose index scan over
     * {@code job_queued_fair_idx}: its cost grows with the tenants that wait, not with the jobs queued. Raw SQL,
     * because JPQL has no recursive query.
     */
    @SuppressWarnings("unchecked")
    List<QueuedTenant> queuedTenants() {
        List<Object[]> rows = getEntityManager()
                .createNativeQuery(
                        """
                                with recursive queued (priority, tenant) as (
                                    (select priority, tenant from job where status = 'QUEUED' order by priority, tenant limit 1)
                                    union all
                                    select next.priority, next.tenant from queued, lateral (
                                        select priority, tenant from job
                                        where status = 'QUEUED' and (priority, tenant) > (queued.priority, queued.tenant)
                                        order by priority, tenant limit 1) next)
                                select queued.priority, queued.tenant from queued left join tenant_turn turn on turn.tenant = queued.tenant
                                order by queued.priority, turn.last_served_at nulls first, queued.tenant""")
                .getResultList();
        return rows.stream().map(row -> new QueuedTenant(((Number) row[0]).shortValue(), (String) row[1])).toList();
    }

    /** One tenant's oldest job of one priority that may be submitted now, locked unless another replica holds it. */
    Optional<Job> lockOldestDue(QueuedTenant queued, Instant now) {
        return lockList("""
                select * from job where status = 'QUEUED' and priority = ?1 and tenant = ?2 and next_attempt_at <= ?3
                order by received_at, id limit 1 for update skip locked""", queued.priority(), queued.tenant(), now)
                .stream().findFirst();
    }

    /** A priority and a tenant with queued jobs. */
    record QueuedTenant(short priority, String tenant) {
    }

    /** Raw SQL: a count that stops at {@code atMost} (JPQL cannot count over a limited subquery). */
    int countQueuedDue(Instant now, int atMost) {
        return ((Number) getEntityManager().createNativeQuery("""
                select count(*) from (select 1 from job where status = 'QUEUED' and next_attempt_at <= ?1
                limit ?2) due""")
                .setParameter(1, now)
                .setParameter(2, atMost)
                .getSingleResult()).intValue();
    }

    /** Serialises everything done to one requestId across replicas (intake, cancel), even before its row exists. */
    void lockRequestId(String requestId) {
        getEntityManager()
                .createNativeQuery("select pg_advisory_xact_lock(?1, hashtext(?2))")
                .setParameter(1, REQUEST_ID_LOCK_SPACE)
                .setParameter(2, requestId)
                .getSingleResult();
    }

    /**
     * {@link #lockRequestId} for many at once, in the locks' order, so that two batches sharing requestIds never
     * wait on each other in a cycle. (Volatile functions in a select list run after its order by.)
     */
    void lockRequestIds(List<String> requestIds) {
        getEntityManager().unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement locks = connection.prepareStatement("""
                    select count(*) from (select pg_advisory_xact_lock(?, key) from (
                        select distinct hashtext(id) as key from unnest(?) id) keys order by key) locked""")) {
                locks.setInt(1, REQUEST_ID_LOCK_SPACE);
                locks.setArray(2, connection.createArrayOf("text", requestIds.toArray()));
                locks.executeQuery().close();
            }
        });
    }

    /**
     * The payload hash of each of {@code requestIds} stored already (or purged, within its retention). Raw SQL: one
     * round trip over the job table and the retention's table of retired requestIds, which has no entity.
     */
    @SuppressWarnings("unchecked")
    Map<String, String> payloadHashesOf(List<String> requestIds) {
        List<Object[]> rows = getEntityManager()
                .createNativeQuery("""
                        select request_id, payload_hash from job where request_id in (:ids)
                        union all
                        select request_id, payload_hash from retired_request where request_id in (:ids)""")
                .setParameter("ids", requestIds)
                .getResultList();
        Map<String, String> hashes = new HashMap<>();
        rows.forEach(row -> hashes.put((String) row[0], (String) row[1]));
        return hashes;
    }

    /**
     * How many jobs each of {@code tenants} has queued (those with none left out). Every priority is named, so that
     * the count walks {@code job_queued_fair_idx} (priority, tenant) for just these tenants.
     */
    Map<String, Long> queuedByTenant(List<String> tenants) {
        return countByTenant("j.status = ?1 and j.priority in ?2", tenants, JobStatus.QUEUED, PRIORITY_CODES);
    }

    /** How many jobs each of {@code tenants} has claimed or submitted, awaiting their outcome. */
    Map<String, Long> inFlightByTenant(List<String> tenants) {
        return countByTenant("j.status in ?1", tenants, List.of(JobStatus.SUBMITTING, JobStatus.SUBMITTED));
    }

    private Map<String, Long> countByTenant(String condition, List<String> tenants, Object... params) {
        if (tenants.isEmpty()) {
            return Map.of();
        }
        var query = getEntityManager().createQuery("select j.tenant, count(j) from Job j where " + condition
                + " and j.tenant in ?" + (params.length + 1) + " group by j.tenant", Object[].class);
        for (int i = 0; i < params.length; i++) {
            query.setParameter(i + 1, params[i]);
        }
        Map<String, Long> counts = new HashMap<>();
        query.setParameter(params.length + 1, tenants).getResultList()
                .forEach(row -> counts.put((String) row[0], (Long) row[1]));
        return counts;
    }

    Optional<Job> lockByUuid(String uuid) {
        return find("uuid", uuid).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    /** Records when each tenant was served, in the map's order. Raw SQL: an upsert. */
    void tenantsServed(Map<String, Instant> served) {
        served.forEach((tenant, at) -> getEntityManager().createNativeQuery("""
                insert into tenant_turn (tenant, last_served_at) values (?1, ?2)
                on conflict (tenant) do update set last_served_at = excluded.last_served_at""")
                .setParameter(1, tenant)
                .setParameter(2, at)
                .executeUpdate());
    }

    /** The newest {@code limit} jobs in {@code status}. */
    public List<Job> newestIn(JobStatus status, int limit) {
        return find("status = ?1 order by receivedAt desc, id desc", status).page(0, limit).list();
    }

    Optional<Job> lockByRequestId(String requestId) {
        return find("requestId", requestId).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    List<Job> lockExpiredQueued(Instant now, int limit) {
        return lockList("""
                select * from job where status = 'QUEUED' and deadline < ?1
                order by id limit ?2 for update skip locked""", now, limit);
    }

    /** Queued jobs whose source image is to be downloaded now, highest priority and oldest first. */
    List<Job> lockDueFetches(Instant now, int limit) {
        return lockList("""
                select * from job where status = 'QUEUED' and source_state = 'FETCH'
                and (fetch_lease_until is null or fetch_lease_until <= ?1)
                order by priority, received_at, id limit ?2 for update skip locked""", now, limit);
    }

    /**
     * Moves the leases of these claims (each its job and attempt) on to {@code until}, where the claim still holds:
     * a job taken over meanwhile has another attempt and is left alone.
     */
    int renewLeases(Collection<ClaimedJob> claims, Instant until) {
        return renew("lease_until", "SUBMITTING", "attempts", claims.stream().map(ClaimedJob::id).toList(),
                claims.stream().map(ClaimedJob::attempt).toList(), until);
    }

    /** The same for polls in flight (each its job and its count of polls, which the poll's answer moves on). */
    int renewPollLeases(Collection<PollTarget> polls, Instant until) {
        return renew("next_poll_at", "SUBMITTED", "polls", polls.stream().map(PollTarget::id).toList(),
                polls.stream().map(PollTarget::polls).toList(), until);
    }

    /**
     * Sets {@code column} to {@code until} for each (id, count) pair in {@code status}; the pairs go as two array
     * literals. Raw SQL: one statement for every claim, joined with {@code unnest}.
     */
    private int renew(String column, String status, String countColumn, List<Long> ids, List<Integer> counts,
            Instant until) {
        return getEntityManager().createNativeQuery("update job set " + column
                + " = ?1 from unnest(cast(cast(?2 as text) "
                + "as bigint[]), cast(cast(?3 as text) as int[])) as held(id, count) where job.id = held.id and job."
                + countColumn + " = held.count and job.status = ?4")
                .setParameter(1, until).setParameter(2, arrayLiteral(ids)).setParameter(3, arrayLiteral(counts))
                .setParameter(4, status).executeUpdate();
    }

    private static String arrayLiteral(List<? extends Number> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
    }

    /** Submitted jobs the poller has started on (a next poll set), counted up to {@code atMost} (raw SQL: capped). */
    long countAwaitingPolls(int atMost) {
        return ((Number) getEntityManager().createNativeQuery("""
                select count(*) from (select 1 from job where status = 'SUBMITTED' and next_poll_at is not null
                limit ?1) polled""").setParameter(1, atMost).getSingleResult()).longValue();
    }

    List<Job> lockStaleSubmissions(Instant now, int limit) {
        return lockList("""
                select * from job where status = 'SUBMITTING' and lease_until < ?1
                order by lease_until limit ?2 for update skip locked""", now, limit);
    }

    /**
     * Submitted jobs whose next poll is due; one never polled is due once it was submitted before the cutoff
     * of its kind ({@code otherwise} for a kind without one).
     */
    List<Job> lockDueForPoll(Instant now, Map<GenerationKind, Instant> firstPollCutoffs, Instant otherwise, int limit) {
        StringBuilder cutoff = new StringBuilder("case");
        List<Object> params = new ArrayList<>(List.of(now));
        firstPollCutoffs.forEach((kind, before) -> {
            cutoff.append(" when generation_type = ?").append(params.size() + 1)
                    .append(" and aspect_ratio = ?").append(params.size() + 2)
                    .append(" then cast(?").append(params.size() + 3).append(" as timestamptz)");
            params.addAll(List.of(kind.generationType(), kind.aspectRatio(), before));
        });
        cutoff.append(" else cast(?").append(params.size() + 1).append(" as timestamptz) end");
        if (firstPollCutoffs.isEmpty()) {
            cutoff.setLength(0);
            cutoff.append("cast(?").append(params.size() + 1).append(" as timestamptz)");
        }
        params.add(otherwise);
        params.add(limit);
        return lockList("""
                select * from job where status = 'SUBMITTED'
                and (next_poll_at <= ?1 or (next_poll_at is null and submitted_at <= %s))
                order by coalesce(next_poll_at, submitted_at) limit ?%d for update skip locked"""
                .formatted(cutoff, params.size()), params.toArray());
    }

    /**
     * The {@code quantiles} of the generation times (ms) of the latest {@code sample} jobs of {@code kind} that
     * have one, followed by how many there were; the quantiles are null when there were none. Raw SQL: JPQL has no
     * ordered-set aggregate.
     */
    Object[] generationQuantiles(GenerationKind kind, double low, double high, int sample) {
        return (Object[]) getEntityManager().createNativeQuery("""
                select percentile_cont(?1) within group (order by generation_ms),
                       percentile_cont(?2) within group (order by generation_ms), count(*)
                from (select generation_ms from job where generation_type = ?3 and aspect_ratio = ?4
                      and generation_ms is not null and finished_at is not null
                      order by finished_at desc limit ?5) latest""")
                .setParameter(1, low)
                .setParameter(2, high)
                .setParameter(3, kind.generationType())
                .setParameter(4, kind.aspectRatio())
                .setParameter(5, sample)
                .getSingleResult();
    }

    /**
     * For the latest {@code limit} outcomes that came from Gempix2 (by webhook or poll), newest first: whether
     * each came by poll with no webhook for its job at all.
     */
    List<Boolean> latestOutcomesPolledOnly(int limit) {
        return getEntityManager().createQuery("select j.completedVia, j.webhookSeen from Job j"
                + " where j.completedVia is not null order by j.finishedAt desc", Object[].class)
                .setMaxResults(limit).getResultList().stream()
                .map(row -> row[0] == CompletedVia.POLL && !(Boolean) row[1]).toList();
    }

    List<Job> lockSubmittedBefore(Instant cutoff, int limit) {
        return lockList("""
                select * from job where status = 'SUBMITTED' and submitted_at < ?1
                order by submitted_at limit ?2 for update skip locked""", cutoff, limit);
    }

    /** The job as claimed, locked; empty when its lease ran out and another replica took it over. */
    Optional<Job> lockHeldLease(ClaimedJob claim) {
        return lockById(claim.id())
                .filter(job -> job.status() == JobStatus.SUBMITTING && job.attempts() == claim.attempt());
    }

    Optional<Job> lockById(long id) {
        return findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE);
    }

    /** Serialises what is done for one uuid across replicas (a webhook, the submit answer), before it is stored too. */
    void lockUuid(String uuid) {
        getEntityManager()
                .createNativeQuery("select pg_advisory_xact_lock(?1, hashtext(?2))")
                .setParameter(1, UUID_LOCK_SPACE)
                .setParameter(2, uuid)
                .getSingleResult();
    }

    public Map<JobStatus, Long> countByStatus() {
        Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus status : JobStatus.values()) {
            counts.put(status, 0L);
        }
        List<Object[]> rows = getEntityManager()
                .createQuery("select j.status, count(j) from Job j group by j.status", Object[].class)
                .getResultList();
        for (Object[] row : rows) {
            counts.put((JobStatus) row[0], (Long) row[1]);
        }
        return counts;
    }

    /** Raw SQL for the claims: JPQL has no {@code skip locked}, and Hibernate's lock timeout hint is per dialect. */
    @SuppressWarnings("unchecked")
    private List<Job> lockList(String sql, Object... params) {
        var query = getEntityManager().createNativeQuery(sql, Job.class);
        for (int i = 0; i < params.length; i++) {
            query.setParameter(i + 1, params[i]);
        }
        return query.getResultList();
    }
}
