package org.amihes.polling.messaging;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.amihes.contracts.ReadJob;
import org.amihes.polling.PollingConfig;
import org.amihes.service.messaging.JsonMessages;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/** Publishes read jobs with broker confirms, a bounded number awaiting confirmation at once. */
@ApplicationScoped
public class JobPublisher {

    /** association-service binds its job queue with this key. */
    public static final String ROUTING_KEY = "read";

    private final MutinyEmitter<byte[]> emitter;
    private final JsonMessages json;
    private final int inFlight;

    public JobPublisher(@Channel("read-jobs") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 20_000)
                        MutinyEmitter<byte[]> emitter, JsonMessages json, PollingConfig config) {
        this.emitter = emitter;
        this.json = json;
        this.inFlight = config.publish().inFlight();
    }

    /**
     * Completes when every job is confirmed by the broker; fails if any is refused. It completes on the caller's
     * Vert.x context: confirms arrive on the broker connection's context, where an HTTP request's scope is not
     * active (Quarkus REST then cannot write the response).
     */
    public Uni<Void> publishAll(List<ReadJob> jobs) {
        Context caller = Vertx.currentContext();
        Uni<Void> confirmed = Multi.createFrom().iterable(jobs)
                .onItem().transformToUni(job -> emitter.sendMessage(json.persistent(job, ROUTING_KEY, job.jobId())))
                .merge(inFlight)
                .collect().last()
                .replaceWithVoid();
        return caller == null ? confirmed : confirmed.emitOn(task -> caller.runOnContext(v -> task.run()));
    }
}
