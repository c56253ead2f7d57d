package org.amihes.association.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.amihes.contracts.JobPriority;
import org.junit.jupiter.api.Test;

/** The admission rules on a hand-driven clock: bounds on open sessions and on new ones per second, and priorities. */
class AdmissionTest {

    /** A clock that moves only when told, and the wake-ups Admission asked for, run when their time comes. */
    static final class ManualTime implements Admission.Wakeups {
        long now;
        private final PriorityQueue<long[]> due = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        private final List<Runnable> tasks = new ArrayList<>();

        @Override
        public void after(long nanos, Runnable task) {
            tasks.add(task);
            due.add(new long[] {now + nanos, tasks.size() - 1});
        }

        void advance(long nanos) {
            long until = now + nanos;
            while (!due.isEmpty() && due.peek()[0] <= until) {
                long[] next = due.poll();
                now = next[0];
                tasks.get((int) next[1]).run();
            }
            now = until;
        }
    }

    final ManualTime time = new ManualTime();
    final List<String> started = new ArrayList<>();
    final List<Promise<Void>> running = new ArrayList<>();

    private void submit(Admission admission, JobPriority priority, String name) {
        admission.run(priority, () -> {
            started.add(name);
            Promise<Void> p = Promise.promise();
            running.add(p);
            return p.future();
        });
    }

    @Test
    void waitingWorkStartsOnDemandFirstThenScheduledOldestFirstWithinEach() {
        Admission admission = new Admission(2, 0, 1, () -> time.now, time);
        for (int i = 0; i < 5; i++) {
            submit(admission, JobPriority.SCHEDULED, "s" + i);
        }
        submit(admission, JobPriority.ON_DEMAND, "d0");
        submit(admission, JobPriority.ON_DEMAND, "d1");
        assertThat(started).containsExactly("s0", "s1");
        assertThat(admission.waiting()).isEqualTo(5);
        while (!running.isEmpty()) {
            running.remove(0).complete();
        }
        assertThat(started).containsExactly("s0", "s1", "d0", "d1", "s2", "s3", "s4");
        assertThat(admission.inUse()).isZero();
    }

    @Test
    void newSessionsPerSecondNeverExceedTheRatePlusTheBurst() {
        double rate = 100;
        int burst = 10;
        Admission admission = new Admission(1_000, rate, burst, () -> time.now, time);
        int storm = 10_000;
        for (int i = 0; i < storm; i++) {
            submit(admission, i % 3 == 0 ? JobPriority.ON_DEMAND : JobPriority.SCHEDULED, "m" + i);
        }
        assertThat(started).hasSize(burst); // the bucket is full at the start
        List<Long> startTimes = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            startTimes.add(0L);
        }
        long step = 1_000_000; // 1 ms; sessions end as soon as they start, so only the rate holds them back
        while (started.size() < storm) {
            int before = started.size();
            running.forEach(Promise::complete);
            running.clear();
            time.advance(step);
            for (int i = before; i < started.size(); i++) {
                startTimes.add(time.now);
            }
            assertThat(time.now).as("the storm is admitted in bounded time").isLessThan(200_000_000_000L);
        }
        // any one-second window holds at most the rate's tokens plus the bucket: expected from the rule, not the code
        for (int i = 0; i < startTimes.size(); i++) {
            long from = startTimes.get(i);
            int inWindow = 0;
            for (int j = i; j < startTimes.size() && startTimes.get(j) < from + 1_000_000_000L; j++) {
                inWindow++;
            }
            assertThat(inWindow).as("starts in the second from " + from).isLessThanOrEqualTo((int) rate + burst);
        }
        double seconds = startTimes.get(startTimes.size() - 1) / 1e9;
        assertThat(seconds).as("10,000 at 100/s after a burst of 10").isGreaterThanOrEqualTo((storm - burst) / rate - 0.01);
        // on-demand work (every third) all started before the last scheduled one did
        int lastOnDemand = 0;
        for (int i = 0; i < started.size(); i++) {
            if (Integer.parseInt(started.get(i).substring(1)) % 3 == 0) {
                lastOnDemand = i;
            }
        }
        assertThat(lastOnDemand).isLessThan(burst + (storm + 2) / 3);
    }

    @Test
    void closingRefusesWaitingWorkAndCompletesWhenTheRunningEnds() {
        Admission admission = new Admission(1, 0, 1, () -> time.now, time);
        submit(admission, JobPriority.SCHEDULED, "a");
        Future<Object> refused = admission.run(JobPriority.ON_DEMAND, () -> Future.succeededFuture("never"));
        Future<Void> idle = admission.close();
        assertThat(refused.failed()).isTrue();
        assertThat(refused.cause()).isInstanceOf(Admission.Closed.class);
        assertThat(idle.isComplete()).isFalse();
        running.get(0).complete();
        assertThat(idle.succeeded()).isTrue();
        assertThat(admission.run(() -> Future.succeededFuture(1)).cause()).isInstanceOf(Admission.Closed.class);
    }
}
