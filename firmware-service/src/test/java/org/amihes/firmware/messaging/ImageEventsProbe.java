package org.amihes.firmware.messaging;

import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Test-only consumer bound to firmware-events (see %test in application.properties): what the broker delivered. */
@ApplicationScoped
public class ImageEventsProbe {

    private final List<ImageRegistered> received = new CopyOnWriteArrayList<>();

    /** Taken as JSON, as any other service would, so the test checks the wire format rather than a Java object. */
    @Incoming("image-events-test")
    public void on(JsonObject event) {
        received.add(event.mapTo(ImageRegistered.class));
    }

    public List<ImageRegistered> received(UUID imageId) {
        return received.stream().filter(e -> e.id().equals(imageId)).toList();
    }

    /** Polls until the event for this image has arrived or the timeout passes. */
    public Optional<ImageRegistered> await(UUID imageId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<ImageRegistered> events = received(imageId);
            if (!events.isEmpty()) {
                return Optional.of(events.get(0));
            }
            Thread.sleep(50);
        }
        return Optional.empty();
    }
}
