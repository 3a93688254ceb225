package com.gempix2.orchestrator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class JobStatusTest {

    @Test
    void terminalStatesAreFinal() {
        for (JobStatus terminal : EnumSet.of(JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.REJECTED,
                JobStatus.EXPIRED, JobStatus.CANCELLED)) {
            assertTrue(terminal.isTerminal());
            for (JobStatus next : JobStatus.values()) {
                assertFalse(terminal.canMoveTo(next), terminal + " -> " + next);
            }
        }
    }

    @Test
    void queuedJobIsClaimedOrEndsWithoutACall() {
        // FAILED without a call: a source image that could not be downloaded.
        assertEquals(EnumSet.of(JobStatus.SUBMITTING, JobStatus.REJECTED, JobStatus.EXPIRED, JobStatus.CANCELLED,
                JobStatus.FAILED), successors(JobStatus.QUEUED));
    }

    @Test
    void submittingJobIsSubmittedRequeuedOrEnds() {
        assertEquals(EnumSet.of(JobStatus.QUEUED, JobStatus.SUBMITTED, JobStatus.COMPLETED, JobStatus.FAILED,
                JobStatus.REJECTED, JobStatus.CANCELLED), successors(JobStatus.SUBMITTING));
    }

    @Test
    void submittedJobOnlyWaitsForItsOutcome() {
        assertEquals(EnumSet.of(JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED),
                successors(JobStatus.SUBMITTED));
        assertFalse(JobStatus.SUBMITTED.canMoveTo(JobStatus.QUEUED), "a submitted job is never submitted again");
    }

    @Test
    void wireNamesAreTheContractsStatusWords() {
        assertEquals("completed", JobStatus.COMPLETED.wireName());
        assertEquals("expired", JobStatus.EXPIRED.wireName());
    }

    private static Set<JobStatus> successors(JobStatus from) {
        Set<JobStatus> next = EnumSet.noneOf(JobStatus.class);
        for (JobStatus candidate : JobStatus.values()) {
            if (from.canMoveTo(candidate)) {
                next.add(candidate);
            }
        }
        return next;
    }
}
