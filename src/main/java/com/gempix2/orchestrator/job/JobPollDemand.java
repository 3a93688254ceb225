package com.gempix2.orchestrator.job;

import com.gempix2.orchestrator.quota.PollDemand;

import jakarta.enterprise.context.ApplicationScoped;

/** The budget's question about polls, answered from the job table, which only this package reads. */
@ApplicationScoped
class JobPollDemand implements PollDemand {

    private final JobRepository jobs;

    JobPollDemand(JobRepository jobs) {
        this.jobs = jobs;
    }

    @Override
    public long awaitingPolls(int atMost) {
        return jobs.countAwaitingPolls(atMost);
    }
}
