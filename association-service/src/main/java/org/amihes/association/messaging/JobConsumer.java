package org.amihes.association.messaging;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import org.amihes.association.AssociationConfig;
import org.amihes.association.JobExecutor;
import org.amihes.association.domain.JobWindow;
import org.amihes.association.domain.RecentResults;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobBatch;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.ProfileIntervals;
import org.amihes.contracts.RegisterReadings;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.rabbitmq.DeadLetters;
import org.jboss.logging.Logger;

/**
 * What to do with meter jobs from the broker, whatever their command ({@link JobExecutor} dispatches it). A message of jobs is acked only once every result is recorded in the
 * journal and confirmed by the broker, so a crash loses nothing (the message is redelivered; a job with a recorded
 * result is not executed again; the results' consumer stores each job once).
 * Malformed messages (the contracts check themselves when read) go to the dead-letter queue with the reason
 * ({@link DeadLetters}), never retried.
 */
@ApplicationScoped
public class JobConsumer {

    /** How the delivery of a job is settled with the broker. */
    public enum Settlement {
        /** done: every result is confirmed by the broker */
        ACK,
        /** not done (the result was not confirmed, or the service is stopping): deliver it again */
        REQUEUE,
        /** malformed: to the dead-letter queue, with the reason */
        REJECT
    }

    /** How to settle a message of jobs, and, for {@link Settlement#REJECT}, why it was refused. */
    public record Verdict(Settlement settlement, String reason) {
        static final Verdict ACK = new Verdict(Settlement.ACK, null);
        static final Verdict REQUEUE = new Verdict(Settlement.REQUEUE, null);

        static Verdict reject(String reason) {
            return new Verdict(Settlement.REJECT, reason);
        }
    }

    private static final Logger LOG = Logger.getLogger(JobConsumer.class);
    /**
     * More than the jobs a replica holds unacked at once (partitions × prefetch × jobs per message); results leave
     * earlier, when their message is acked.
     */
    static final int RECENT_RESULTS = 50_000;
    /**
     * The most values the recent results hold together (tens of MiB): 50,000 register reads fit, about 1,700 days of
     * 15-minute profile with two channels do; older ones are answered from the journal.
     */
    static final long RECENT_VALUES = 500_000;

    private final JsonMessages json;
    private final JobExecutor executor;
    private final ResultPublisher publisher;
    private final ResultJournal journal;
    private final RecentResults<MeterJobResult> recent = recentResults();
    private final java.util.Map<String, Future<MeterJobResult>> running = new java.util.concurrent.ConcurrentHashMap<>();
    private final JobWindow window;

    public JobConsumer(JsonMessages json, JobExecutor executor, ResultPublisher publisher, ResultJournal journal,
                       AssociationConfig config) {
        this.window = new JobWindow(config.jobs().window()
                .orElse(2 * Math.max(config.sessions().maxConcurrent(), MeterJobBatch.MAX_JOBS)));
        this.json = json;
        this.journal = journal;
        this.executor = executor;
        this.publisher = publisher;
    }

    /**
     * Handles one message of jobs ({@link MeterJobBatch}). Never fails: every outcome is a {@link Settlement}, for the
     * message as a whole. It is acked once every job's result is confirmed by the broker; if one is not, the message
     * is requeued, and on its redelivery ({@code redelivered}) the jobs already executed, by this replica or by one
     * that died before acking, are answered again from memory or from the {@link ResultJournal}, without a session.
     * A message whose headers {@code announced} its jobs waits for room in the window as it came (bytes) and is parsed
     * once admitted; one without is parsed first (its jobs and priority are in the body).
     */
    public Future<Verdict> onJobs(byte[] body, boolean redelivered, Optional<MeterJobBatch.Announced> announced) {
        if (announced.isEmpty()) {
            MeterJobBatch batch;
            try {
                batch = json.read(body, MeterJobBatch.class);
            } catch (IOException | RuntimeException e) {
                return Future.succeededFuture(Verdict.reject(DeadLetters.reasonOf(e)));
            }
            return window.take(batch.jobs().size(), batch.priority()).compose(admitted -> run(batch.jobs(), redelivered))
                    .otherwise(this::requeue);
        }
        int places = announced.get().jobs();
        return window.take(places, announced.get().priority()).compose(admitted -> {
            MeterJobBatch batch;
            try {
                batch = json.read(body, MeterJobBatch.class);
            } catch (IOException | RuntimeException e) {
                window.release(places);
                return Future.succeededFuture(Verdict.reject(DeadLetters.reasonOf(e)));
            }
            if (batch.jobs().size() == places) {
                return run(batch.jobs(), redelivered);
            }
            // the body counts: its places are taken again for what it carries (a publisher's mistake, not a reason
            // to lose its jobs)
            LOG.warnf("a message announced %d jobs and carries %d", places, batch.jobs().size());
            window.release(places);
            return window.take(batch.jobs().size(), batch.priority()).compose(again -> run(batch.jobs(), redelivered));
        }).otherwise(this::requeue);
    }

    /** The admitted jobs of one message: each gives its place in the window back when it ends, whatever happens. */
    private Future<Verdict> run(List<MeterJob> jobs, boolean redelivered) {
        Future<Map<String, MeterJobResult>> recorded;
        try {
            recorded = redelivered ? recorded(jobs) : Future.succeededFuture(Map.of());
        } catch (RuntimeException e) {
            recorded = Future.failedFuture(e);
        }
        return recorded.transform(ar -> {
            List<Future<Void>> done = new ArrayList<>(jobs.size());
            for (MeterJob job : jobs) {
                Future<Void> one;
                try {
                    one = ar.succeeded() ? handle(job, ar.result().get(job.jobId())) : Future.failedFuture(ar.cause());
                } catch (RuntimeException e) { // a job that fails at once still gives its place back
                    one = Future.failedFuture(e);
                }
                done.add(one.andThen(x -> window.release()));
            }
            return Future.join(done);
        }).map(all -> {
            // acked: the broker will not deliver these jobs again (if the ack is lost with the connection, the
            // redelivered message is answered from the journal)
            jobs.forEach(job -> recent.forget(job.jobId()));
            return Verdict.ACK;
        });
    }

    private Verdict requeue(Throwable error) {
        LOG.debugf("jobs not all done (%s); message requeued", error.getMessage());
        return Verdict.REQUEUE;
    }

    /** Starts no message any more (the service is stopping): those waiting go back to the broker. */
    public void stopTaking() {
        window.close();
    }

    /** Whether this replica holds the result of {@code jobId} in memory (its message may still be redelivered). */
    public boolean holdsResultOf(String jobId) {
        return recent.find(jobId).isPresent();
    }

    /** The most jobs taken out of their messages at once (a message alone may exceed it). */
    public int windowSize() {
        return window.limit();
    }

    /** Jobs taken out of their messages (running or waiting for a session), and messages waiting to be taken. */
    public int jobsHeld() {
        return window.held();
    }

    public int messagesWaiting() {
        return window.waitingMessages();
    }

    /**
     * The results a redelivered message's jobs already have: from this process's memory, else from the journal (the
     * process that executed them may have died before the message was acked).
     */
    private Future<Map<String, MeterJobResult>> recorded(List<MeterJob> jobs) {
        Map<String, MeterJobResult> known = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (MeterJob job : jobs) {
            recent.find(job.jobId()).ifPresentOrElse(r -> known.put(job.jobId(), r), () -> unknown.add(job.jobId()));
        }
        if (unknown.isEmpty()) {
            return Future.succeededFuture(known);
        }
        return journal.find(unknown).map(fromJournal -> {
            if (!fromJournal.isEmpty()) {
                LOG.infof("%d redelivered jobs answered from the journal, without a session", fromJournal.size());
            }
            known.putAll(fromJournal);
            return known;
        });
    }

    private Future<Void> handle(MeterJob job, MeterJobResult known) {
        if (known != null) {
            // recorded again in case this process had not recorded it yet (idempotent), then published again
            return recordAndPublish(known);
        }
        // a copy delivered while the first is still running joins it instead of opening another session
        return executeOnce(job).compose(this::recordAndPublish);
    }

    /** Into the journal and to the broker, written as JSON once for both. */
    private Future<Void> recordAndPublish(MeterJobResult result) {
        byte[] written = json.write(result);
        return Future.join(journal.record(result.jobId(), written), publisher.publish(result, written))
                .mapEmpty();
    }

    static RecentResults<MeterJobResult> recentResults() {
        return new RecentResults<>(RECENT_RESULTS, RECENT_VALUES, JobConsumer::valuesHeld);
    }

    /** About how many values a result holds: what its memory grows with. */
    static long valuesHeld(MeterJobResult result) {
        if (result.outcome() instanceof RegisterReadings r) {
            return 1 + r.values().size();
        }
        if (result.outcome() instanceof ProfileIntervals p) {
            return 1 + p.channels().size() + (long) p.intervals().size() * (1 + p.channels().size());
        }
        return 1;
    }

    private Future<MeterJobResult> executeOnce(MeterJob job) {
        Promise<MeterJobResult> mine = Promise.promise();
        Future<MeterJobResult> earlier = running.putIfAbsent(job.jobId(), mine.future());
        if (earlier != null) {
            return earlier;
        }
        executor.execute(job).onComplete(ar -> {
            if (ar.succeeded()) {
                recent.remember(job.jobId(), ar.result());
            }
            running.remove(job.jobId(), mine.future());
            mine.handle(ar);
        });
        return mine.future();
    }
}
