package org.amihes.association.commands;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.amihes.service.rest.IdempotencyKey;
import org.amihes.association.AssociationConfig;
import org.amihes.contracts.MeterCommand;
import org.amihes.contracts.MeterJob;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.rest.ProblemException;
import org.jboss.logging.Logger;

/**
 * Meter commands asked for over REST: stored by Idempotency-Key first (so a repeat, also after a restart, answers the
 * stored command and never reaches the meter again), then sent as a meter job through the broker like any other
 * (per-meter routing: one association per meter, whichever replica has the meter's partition). Commands the broker
 * did not confirm are sent again by a sweep; the job id is the key's, so the journal keeps a resend from reaching
 * the meter twice.
 */
@ApplicationScoped
public class Commands {

    /** The commands clients send over REST (their type names): one list for the API and the result binding. */
    public static final java.util.List<String> CLIENT_COMMANDS = java.util.List.of(org.amihes.contracts.Disconnect.TYPE,
            org.amihes.contracts.Reconnect.TYPE, org.amihes.contracts.SyncClock.TYPE, org.amihes.contracts.WriteTariff.TYPE);


    private static final Logger LOG = Logger.getLogger(Commands.class);
    static final String JOB_PREFIX = "command/";

    /** The stored command and whether this request created it. */
    public record Requested(CommandStore.Stored command, boolean created) {
    }

    private final CommandStore store;
    private final CommandJobs jobs;
    private final JsonMessages json;
    private final Vertx vertx;
    private final AssociationConfig config;
    private long sweep = -1;

    public Commands(CommandStore store, JsonMessages json, CommandJobs jobs, Vertx vertx, AssociationConfig config) {
        this.store = store;
        this.json = json;
        this.vertx = vertx;
        this.config = config;
        this.jobs = jobs;
    }

    void onStart(@Observes @Priority(16) StartupEvent event) {
        long every = config.commands().republishAfter().toMillis();
        sweep = vertx.setPeriodic(every, every, t -> republish());
    }

    void onStop(@Observes @Priority(4990) ShutdownEvent event) {
        vertx.cancelTimer(sweep);
    }

    public Uni<Requested> request(String meterId, MeterCommand command, String idempotencyKey, String actor) {
        String body = new String(json.write(command), java.nio.charset.StandardCharsets.UTF_8);
        String jobId = JOB_PREFIX + idempotencyKey;
        return store.insert(idempotencyKey, meterId, command.commandType(), body, jobId, actor).flatMap(inserted -> {
            if (inserted.isPresent()) {
                MeterJob job = new MeterJob(jobId, jobId, meterId, Instant.now(), command, actor);
                return Uni.createFrom().completionStage(jobs.publishAll(List.of(job)))
                        .flatMap(v -> store.published(jobId))
                        .onFailure().invoke(e -> LOG.warnf("command %s stored, not yet confirmed by the broker (%s); "
                                + "the sweep sends it again", idempotencyKey, e.getMessage()))
                        .onFailure().recoverWithNull()
                        .replaceWith(new Requested(inserted.get(), true));
            }
            return store.find(idempotencyKey).map(existing -> {
                CommandStore.Stored s = existing.orElseThrow();
                if (!s.meterId().equals(meterId) || !s.command().equals(body)) {
                    throw ProblemException.conflict(IdempotencyKey.HEADER, "key '" + idempotencyKey + "' was used for "
                            + s.commandType() + " of meter " + s.meterId() + "; a repeat must be the same command");
                }
                return new Requested(s, false);
            });
        });
    }

    private void republish() {
        store.unpublished(config.commands().republishAfter()).subscribe().with(stale -> {
            for (CommandStore.Stored s : stale) {
                MeterCommand command;
                try {
                    command = json.read(s.command().getBytes(java.nio.charset.StandardCharsets.UTF_8), MeterCommand.class);
                } catch (java.io.IOException e) {
                    LOG.errorf("stored command %s cannot be read back: %s", s.idempotencyKey(), e.getMessage());
                    continue;
                }
                MeterJob job = new MeterJob(s.jobId(), s.jobId(), s.meterId(), s.requestedAt(), command, s.requestedBy());
                Uni.createFrom().completionStage(jobs.publishAll(List.of(job))).flatMap(v -> store.published(s.jobId()))
                        .subscribe().with(v -> LOG.infof("command %s sent again", s.idempotencyKey()),
                                e -> LOG.debugf("command %s still not sent: %s", s.idempotencyKey(), e.getMessage()));
            }
        }, e -> LOG.debugf("command sweep skipped: %s", e.getMessage()));
    }

    public Uni<Optional<CommandStore.Stored>> find(String idempotencyKey) {
        return store.find(idempotencyKey);
    }
}
