package org.amihes.security.messaging;

import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Test-only consumer bound to security-events (see %test in application.properties): what the broker delivered. */
@ApplicationScoped
public class ProfileEventsProbe {

    private final List<SecurityProfileChanged> received = new CopyOnWriteArrayList<>();

    /** Taken as JSON, as any other service would, so the test checks the wire format rather than a Java object. */
    @Incoming("profile-events-test")
    public void on(JsonObject event) {
        received.add(event.mapTo(SecurityProfileChanged.class));
    }

    public List<SecurityProfileChanged> received(String name) {
        return received.stream().filter(e -> e.name().equals(name)).toList();
    }

    /** Polls until the given version of the profile has been announced or the timeout passes. */
    public Optional<SecurityProfileChanged> await(String name, int version, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<SecurityProfileChanged> event = received(name).stream()
                    .filter(e -> e.version() == version).findFirst();
            if (event.isPresent()) {
                return event;
            }
            Thread.sleep(50);
        }
        return Optional.empty();
    }
}
