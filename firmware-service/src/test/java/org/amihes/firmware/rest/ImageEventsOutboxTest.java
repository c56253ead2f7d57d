package org.amihes.firmware.rest;

import static org.amihes.firmware.rest.Images.randomBytes;
import static org.amihes.firmware.rest.Images.uniqueIdentifier;
import static org.amihes.firmware.rest.Images.upload;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.firmware.messaging.ImageEventsProbe;
import org.amihes.firmware.messaging.ImageRegistered;
import org.amihes.service.testing.TestRabbit;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: an image stored while the broker refuses firmware events (a queue bound to firmware-events with
 * {@code x-max-length 0, x-overflow reject-publish}: every publish is nacked) keeps its ImageRegistered in
 * {@code firmware.outbox}; once the broker takes it again, the event arrives. (Before the outbox it was logged and lost.)
 */
@QuarkusTest
class ImageEventsOutboxTest {

    @Inject
    ImageEventsProbe probe;

    @Inject
    Pool pool;

    @Test
    void anEventTheBrokerRefusedIsPublishedOnceItTakesItAgain() throws Exception {
        try (Connection connection = TestRabbit.factory().newConnection("image-events-outbox-test")) {
            Channel ch = connection.createChannel();
            ch.exchangeDeclare("firmware-events", "topic", true);
            String blocker = ch.queueDeclare("firmware-blocker-" + UUID.randomUUID(), false, true, true,
                    Map.of("x-max-length", 0, "x-overflow", "reject-publish")).getQueue();
            ch.queueBind(blocker, "firmware-events", ImageRegistered.ROUTING_KEY);

            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(UUID.fromString(upload(uniqueIdentifier(), "1", randomBytes(300)).statusCode(201)
                        .extract().path("id")));
            }
            Thread.sleep(5_000); // two relay passes at least, each refused
            assertThat(held(ids)).as("events held in the outbox while the broker refuses them").isEqualTo(ids.size());

            ch.queueDelete(blocker);
            for (UUID id : ids) {
                assertThat(probe.await(id, Duration.ofSeconds(30))).as("event of " + id).isPresent();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (held(ids) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(held(ids)).as("deleted once confirmed").isZero();
        }
    }

    private long held(List<UUID> ids) {
        long n = 0;
        for (UUID id : ids) {
            n += pool.preparedQuery("SELECT count(*) FROM firmware.outbox WHERE convert_from(payload, 'UTF8') LIKE $1")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of("%" + id + "%"))
                    .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
        }
        return n;
    }
}
