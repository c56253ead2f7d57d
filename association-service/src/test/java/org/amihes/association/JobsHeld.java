package org.amihes.association;

import java.time.Duration;
import org.amihes.association.messaging.JobConsumer;

/**
 * The jobs a replica still holds in its window once the work seems done. A job gives its place back when its result
 * is durable and confirmed, which can be after the result reached a consumer of the results queue: a test that has all
 * its results waits for the releases (bounded) before it looks.
 */
final class JobsHeld {

    private JobsHeld() {
    }

    /** {@code consumer}'s jobs held, once none is or once {@code bound} has passed. */
    static int afterSettling(JobConsumer consumer, Duration bound) throws InterruptedException {
        long until = System.nanoTime() + bound.toNanos();
        while (consumer.jobsHeld() > 0 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        return consumer.jobsHeld();
    }
}
