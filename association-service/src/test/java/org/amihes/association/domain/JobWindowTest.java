package org.amihes.association.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.amihes.contracts.JobPriority;
import org.junit.jupiter.api.Test;

/** The bound on jobs taken out of their messages: whole messages admitted, places given back per job, priorities. */
class JobWindowTest {

    final List<String> started = new ArrayList<>();

    private Future<Void> take(JobWindow window, int jobs, JobPriority priority, String name) {
        return window.take(jobs, priority).onSuccess(v -> started.add(name));
    }

    @Test
    void messagesStartWhileTheirJobsFitAndWaitingOnesStartAsJobsEnd() {
        JobWindow window = new JobWindow(10);
        take(window, 4, JobPriority.SCHEDULED, "a");
        take(window, 4, JobPriority.SCHEDULED, "b");
        take(window, 4, JobPriority.SCHEDULED, "c"); // 12 > 10: waits
        assertThat(started).containsExactly("a", "b");
        assertThat(window.held()).isEqualTo(8);
        assertThat(window.waitingMessages()).isEqualTo(1);
        window.release();
        assertThat(started).as("7 held + 4 > 10").containsExactly("a", "b");
        window.release();
        assertThat(started).containsExactly("a", "b", "c");
        assertThat(window.held()).isEqualTo(10);
        assertThat(window.waitingMessages()).isZero();
    }

    @Test
    void aMessageLargerThanTheWindowStartsAloneWhenNothingElseIsHeld() {
        JobWindow window = new JobWindow(5);
        take(window, 2, JobPriority.SCHEDULED, "small");
        take(window, 100, JobPriority.SCHEDULED, "large");
        assertThat(started).containsExactly("small");
        window.release();
        assertThat(started).containsExactly("small");
        window.release();
        assertThat(started).containsExactly("small", "large");
        assertThat(window.held()).isEqualTo(100);
    }

    @Test
    void onDemandMessagesStartBeforeScheduledOnesAndNoMessageOvertakesAnOlderOneOfItsPriority() {
        JobWindow window = new JobWindow(4);
        take(window, 4, JobPriority.SCHEDULED, "s0");
        take(window, 3, JobPriority.SCHEDULED, "s1");
        take(window, 1, JobPriority.SCHEDULED, "s2"); // would fit after one release, but s1 is older
        take(window, 2, JobPriority.ON_DEMAND, "d0");
        window.release();
        window.release();
        assertThat(started).containsExactly("s0", "d0");
        window.release();
        window.release(); // d0's 2 held: s1 (3) does not fit, s2 stays behind it
        assertThat(started).containsExactly("s0", "d0");
        window.release();
        assertThat(started).containsExactly("s0", "d0", "s1");
        window.release();
        assertThat(started).containsExactly("s0", "d0", "s1", "s2");
    }

    @Test
    void closingRefusesWaitingAndLaterMessagesAsNeverStarted() {
        JobWindow window = new JobWindow(1);
        take(window, 1, JobPriority.SCHEDULED, "running");
        Future<Void> waiting = take(window, 1, JobPriority.SCHEDULED, "waiting");
        window.close();
        assertThat(waiting.failed()).isTrue();
        assertThat(waiting.cause()).isInstanceOf(Admission.Closed.class);
        assertThat(window.take(1, JobPriority.ON_DEMAND).cause()).isInstanceOf(Admission.Closed.class);
        window.release();
        assertThat(window.held()).isZero();
        assertThat(started).containsExactly("running");
    }

    @Test
    void aReleaseOfAJobNotHeldIsAnError() {
        JobWindow window = new JobWindow(3);
        assertThatThrownBy(window::release).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> window.take(0, JobPriority.SCHEDULED)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JobWindow(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** How many jobs the test's message {@code i} carries: 1 to 100. */
    private static int jobsOf(int i) {
        return 1 + (i * 37) % 100;
    }

    /** 20,000 messages of 1 to 100 jobs from four threads, jobs ending on four others: never more held than allowed. */
    @Test
    void underConcurrentTakesAndReleasesTheBoundHoldsAndEveryMessageStarts() throws Exception {
        int messages = 20_000;
        int limit = 500;
        JobWindow window = new JobWindow(limit);
        AtomicInteger heldNow = new AtomicInteger();
        AtomicInteger mostHeld = new AtomicInteger();
        AtomicInteger startedMessages = new AtomicInteger();
        AtomicInteger jobsStarted = new AtomicInteger();
        ExecutorService takers = Executors.newFixedThreadPool(4);
        ExecutorService enders = Executors.newFixedThreadPool(4);
        int expectedJobs = 0;
        for (int i = 0; i < messages; i++) {
            expectedJobs += jobsOf(i);
        }
        // every job counted after it gave its place back: a message's jobs end on four threads in any order
        CountDownLatch allEnded = new CountDownLatch(expectedJobs);
        try {
            for (int i = 0; i < messages; i++) {
                int jobs = jobsOf(i);
                JobPriority priority = i % 3 == 0 ? JobPriority.ON_DEMAND : JobPriority.SCHEDULED;
                takers.execute(() -> window.take(jobs, priority).onSuccess(v -> {
                    int now = heldNow.addAndGet(jobs);
                    mostHeld.accumulateAndGet(now, Math::max);
                    startedMessages.incrementAndGet();
                    jobsStarted.addAndGet(jobs);
                    for (int j = 0; j < jobs; j++) {
                        enders.execute(() -> {
                            heldNow.decrementAndGet();
                            window.release();
                            allEnded.countDown();
                        });
                    }
                }));
            }
            assertThat(allEnded.await(60, TimeUnit.SECONDS)).as("every message started and its jobs ended").isTrue();
        } finally {
            takers.shutdownNow();
            enders.shutdownNow();
        }
        assertThat(startedMessages.get()).isEqualTo(messages);
        assertThat(jobsStarted.get()).isEqualTo(expectedJobs);
        // counted after the window admitted them and uncounted before they are given back: never above the window's
        assertThat(mostHeld.get()).isLessThanOrEqualTo(limit);
        assertThat(window.held()).isZero();
        assertThat(window.waitingMessages()).isZero();
    }
}
