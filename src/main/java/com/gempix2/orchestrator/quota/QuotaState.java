package com.gempix2.orchestrator.quota;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The one row every replica agrees on: what Gempix2 last said about the account and which pauses are
 * in force. Locking it serialises permit taking across replicas.
 */
@Entity
@Table(name = "quota_state")
class QuotaState {

    static final short ID = 1;

    @Id
    short id;
    @Column(name = "upstream_limit")
    Integer upstreamLimit;
    @Column(name = "upstream_remaining")
    Integer upstreamRemaining;
    @Column(name = "remaining_after_permit")
    Long remainingAfterPermit;
    @Column(name = "remaining_until")
    Instant remainingUntil;
    @Column(name = "remaining_permit_taken_at")
    Instant remainingPermitTakenAt;
    @Column(name = "taken_since_answer", nullable = false)
    long takenSinceAnswer;
    /** The call sent alone once the last answer's window has ended; its answer describes the next one. */
    @Column(name = "window_probe_permit")
    Long windowProbePermit;
    @Column(name = "window_probe_at")
    Instant windowProbeAt;
    @Column(name = "window_seconds")
    Integer windowSeconds;
    @Column(name = "window_aligned")
    Boolean windowAligned;
    @Column(name = "answers_without_headers", nullable = false)
    int answersWithoutHeaders;
    @Column(name = "prior_since")
    Instant priorSince;
    @Column(name = "calls_paused_until")
    Instant callsPausedUntil;
    @Column(name = "calls_pause_reason")
    String callsPauseReason;
    @Column(name = "submissions_pause_reason")
    String submissionsPauseReason;
    @Column(name = "next_probe_at")
    Instant nextProbeAt;
    @Column(name = "paused_by_operator", nullable = false)
    boolean pausedByOperator;
    /** The permit whose answer paused submissions: only an answer to a later call (or the probe) resumes them. */
    @Column(name = "pause_permit")
    Long pausePermit;

    boolean callsPaused(Instant now) {
        return callsPausedUntil != null && callsPausedUntil.isAfter(now);
    }

    boolean submissionsPaused() {
        return submissionsPauseReason != null;
    }

    /**
     * Gempix2's headers set the budget: an answer of its describes the window, and it has not since answered again
     * and again without them (then the configured limit and window apply once more).
     */
    boolean learned(int forgetAfter) {
        return hasAnswer() && answersWithoutHeaders < forgetAfter;
    }

    /** Gempix2 has never described its window yet, nor been found to leave its headers out. */
    boolean firstContact(int forgetAfter) {
        return !hasAnswer() && answersWithoutHeaders < forgetAfter;
    }

    private boolean hasAnswer() {
        return upstreamLimit != null && upstreamRemaining != null && remainingAfterPermit != null
                && remainingPermitTakenAt != null && remainingUntil != null;
    }

    /** The reset of the answer in force (and the margin for clocks) has passed: more calls may be allowed now. */
    boolean resetPassed(Instant now, java.time.Duration margin) {
        return !remainingUntil.plus(margin).isAfter(now);
    }

    boolean windowProbeOutstanding(Instant now, java.time.Duration timeout) {
        return windowProbePermit != null && windowProbeAt != null && windowProbeAt.plus(timeout).isAfter(now);
    }

}
