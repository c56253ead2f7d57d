package org.amihes.association.messaging;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import org.amihes.contracts.ReadResult;
import org.amihes.service.messaging.JsonMessages;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/** Publishes read results; the returned future completes when the broker confirms the message. */
@ApplicationScoped
public class ReadResultPublisher {

    public static final String ROUTING_KEY = "read.result";

    private final MutinyEmitter<byte[]> emitter;
    private final JsonMessages json;

    public ReadResultPublisher(@Channel("read-results") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 20_000)
                               MutinyEmitter<byte[]> emitter, JsonMessages json) {
        this.emitter = emitter;
        this.json = json;
    }

    public Future<Void> publish(ReadResult result) {
        return Future.fromCompletionStage(
                emitter.sendMessage(json.persistent(result, ROUTING_KEY, result.jobId())).subscribeAsCompletionStage());
    }
}
