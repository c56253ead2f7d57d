package org.amihes.firmware.rest;

import static org.amihes.firmware.rest.Images.randomBytes;
import static org.amihes.firmware.rest.Images.uniqueIdentifier;
import static org.amihes.firmware.rest.Images.upload;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.amihes.service.digest.Sha256;
import org.amihes.firmware.messaging.ImageEventsProbe;
import org.amihes.firmware.messaging.ImageRegistered;
import org.junit.jupiter.api.Test;

/** The ImageRegistered event travels through the real RabbitMQ broker. */
@QuarkusTest
class ImageEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    ImageEventsProbe probe;

    @Test
    void newImageIsAnnounced() throws InterruptedException {
        String identifier = uniqueIdentifier();
        byte[] content = randomBytes(512);
        UUID id = UUID.fromString(upload(identifier, "3.1.4", content).statusCode(201).extract().path("id"));

        ImageRegistered event = probe.await(id, WAIT).orElseThrow(() -> new AssertionError("no event for " + id));

        assertThat(event).isEqualTo(new ImageRegistered(id, identifier, "3.1.4", 512, Sha256.hex(content)));
    }

    @Test
    void repeatedUploadIsNotAnnouncedAgain() throws InterruptedException {
        byte[] content = randomBytes(256);
        String identifier = uniqueIdentifier();
        UUID first = UUID.fromString(upload(identifier, "1", content).statusCode(201).extract().path("id"));
        upload(identifier, "1", content).statusCode(200);
        // one publisher, one queue: events arrive in order, so once a later image's event is in,
        // a duplicate for the first one would already have arrived too
        UUID later = UUID.fromString(upload(uniqueIdentifier(), "1", randomBytes(256)).statusCode(201)
                .extract().path("id"));
        assertThat(probe.await(later, WAIT)).isPresent();

        assertThat(probe.received(first)).hasSize(1);
    }
}
