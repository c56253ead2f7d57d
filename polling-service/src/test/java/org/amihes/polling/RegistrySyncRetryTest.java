package org.amihes.polling;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.amihes.contracts.RegistrySyncRequest;
import org.amihes.service.testing.TestRabbit;
import org.junit.jupiter.api.Test;

/**
 * polling-service started on a broker where association-service has not started yet (every pod of a new cluster
 * starting at once): its view's queue is new, so it asks for the whole registry, and no queue takes the request yet.
 * The request must reach association-service's sync queue once it is there, not be dropped unheard (the view would
 * then never get the meters the registry held before). Real RabbitMQ, a registry exchange and queues of this test's
 * own.
 */
@QuarkusTest
@TestProfile(RegistrySyncRetryTest.AssociationNotStartedYet.class)
class RegistrySyncRetryTest {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String EXCHANGE = "meter-registry-sync-test-" + RUN;
    static final String VIEW_QUEUE = "polling.meter-registry.sync-test-" + RUN;
    /** What association-service declares and binds at its start (RegistrySyncConsumer). */
    static final String SYNC_QUEUE = "association.registry-sync.sync-test-" + RUN;

    public static class AssociationNotStartedYet implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hes.topology.registry-exchange", EXCHANGE, "hes.registry-view.queue", VIEW_QUEUE);
        }
    }

    @Test
    void aSyncRequestNoQueueTookIsAskedAgainUntilAssociationServiceIsThere() throws Exception {
        try (Connection c = TestRabbit.factory().newConnection("registry-sync-retry-test")) {
            try {
                // polling-service declared its view's queue, then asked; nobody is bound for the request yet
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!exists(c, VIEW_QUEUE)) {
                    assertThat(System.nanoTime()).as("polling-service declared its view's queue").isLessThan(deadline);
                    Thread.sleep(100);
                }
                Thread.sleep(3_000);

                // association-service starts: its sync queue is declared and bound as RegistrySyncConsumer does
                Channel ch = c.createChannel();
                ch.queueDeclare(SYNC_QUEUE, true, false, false, null);
                ch.queueBind(SYNC_QUEUE, EXCHANGE, RegistrySyncRequest.ROUTING_KEY);

                GetResponse request = null;
                deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
                while (request == null && System.nanoTime() < deadline) {
                    request = ch.basicGet(SYNC_QUEUE, true);
                    if (request == null) {
                        Thread.sleep(200);
                    }
                }
                assertThat(request).as("a registry sync request reached association-service's queue once it was bound")
                        .isNotNull();
                String body = new String(request.getBody(), StandardCharsets.UTF_8);
                assertThat(body).contains("\"requestedBy\":\"polling-service\"");
                // asked until taken, then no more
                Thread.sleep(3_000);
                assertThat(ch.messageCount(SYNC_QUEUE)).as("requests after one was taken").isZero();
            } finally {
                Channel cleanup = c.createChannel();
                cleanup.queueDelete(SYNC_QUEUE);
                cleanup.close();
            }
        }
    }

    private static boolean exists(Connection c, String queue) throws Exception {
        Channel probe = c.createChannel();
        try {
            probe.queueDeclarePassive(queue);
            probe.close();
            return true;
        } catch (IOException missing) {
            return false;
        }
    }
}
