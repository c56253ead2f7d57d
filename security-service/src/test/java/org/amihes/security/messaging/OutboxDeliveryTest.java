package org.amihes.security.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.service.testing.TestRabbit;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: security events go through the outbox. The relay's publishing is blocked at the broker (a queue bound to
 * security-events that refuses every message: {@code x-max-length 0, x-overflow reject-publish}, so every publish is
 * nacked) while 10,000 profiles are imported and one more is PUT; the events stay in {@code security.outbox}. Once the
 * blocking queue is gone, every event arrives, and a consumer that drops repeats by message id (the dedup key) sees
 * each change exactly once.
 */
@QuarkusTest
class OutboxDeliveryTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String EXCHANGE = "security-events";

    @Inject
    Pool pool;

    @Test
    void eventsHeldWhileTheBrokerRefusesArriveOnceAfterwardsNoneLost() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (Connection connection = TestRabbit.factory().newConnection("outbox-delivery-test")) {
            Channel ch = connection.createChannel();
            ch.exchangeDeclare(EXCHANGE, "topic", true);
            String consumer = ch.queueDeclare().getQueue();
            ch.queueBind(consumer, EXCHANGE, SecurityProfileChanged.ROUTING_KEY);
            String blocker = ch.queueDeclare("outbox-blocker-" + run, false, true, true,
                    Map.of("x-max-length", 0, "x-overflow", "reject-publish")).getQueue();
            ch.queueBind(blocker, EXCHANGE, SecurityProfileChanged.ROUTING_KEY);

            int n = 10_000;
            List<Map<String, Object>> profiles = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("name", "outbox-" + run + "-" + i);
                p.put("authentication", "HIGH_GMAC");
                p.put("securitySuite", 0);
                p.put("securityPolicy", "AUTHENTICATED_ENCRYPTED");
                profiles.add(p);
            }
            given().contentType("application/json").body(Map.of("profiles", profiles)).post("/security-profiles/import")
                    .then().statusCode(200);
            given().contentType("application/json").body(Map.of("name", "outbox-" + run + "-single", "authentication", "HIGH_GMAC", "securitySuite", 0,
                    "securityPolicy", "AUTHENTICATED_ENCRYPTED")).put("/security-profiles/outbox-" + run + "-single")
                    .then().statusCode(201);
            int expected = n + 1;

            // blocked: every publish is refused, so the events stay in the outbox through several relay passes
            Thread.sleep(5_000);
            assertThat(outboxRows(run)).as("events held in the outbox while the broker refuses them").isEqualTo(expected);

            ch.queueDelete(blocker);
            Map<String, JsonNode> byMessageId = new HashMap<>();
            long deliveries = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline && (byMessageId.size() < expected || outboxRows(run) > 0)) {
                GetResponse r = ch.basicGet(consumer, true);
                if (r == null) {
                    Thread.sleep(20);
                    continue;
                }
                JsonNode event = JSON.readTree(r.getBody());
                if (!event.get("name").asText().startsWith("outbox-" + run + "-")) {
                    continue; // another test's profile
                }
                deliveries++;
                assertThat(r.getProps().getMessageId()).as("every event carries its dedup key").startsWith("security-outbox-");
                JsonNode earlier = byMessageId.putIfAbsent(r.getProps().getMessageId(), event);
                assertThat(earlier == null || earlier.equals(event)).as("a repeat is the same event").isTrue();
            }
            for (GetResponse r = ch.basicGet(consumer, true); r != null; r = ch.basicGet(consumer, true)) {
                if (JSON.readTree(r.getBody()).get("name").asText().startsWith("outbox-" + run + "-")) {
                    deliveries++;
                    byMessageId.putIfAbsent(r.getProps().getMessageId(), JSON.readTree(r.getBody()));
                }
            }
            List<String> names = byMessageId.values().stream().map(e -> e.get("name").asText()).sorted().toList();
            System.out.printf("outbox: %d events, %d deliveries while blocked and after, %d distinct by message id%n",
                    expected, deliveries, byMessageId.size());
            assertThat(outboxRows(run)).as("the outbox is empty once the broker confirmed").isZero();
            assertThat(names).as("each change once after dedup, none lost").hasSize(expected).doesNotHaveDuplicates();
            assertThat(names).contains("outbox-" + run + "-0", "outbox-" + run + "-9999", "outbox-" + run + "-single");
            assertThat(byMessageId.values()).allMatch(e -> e.get("version").asInt() == 1);
        }
    }

    private long outboxRows(String run) {
        return pool.preparedQuery("SELECT count(*) FROM security.outbox WHERE convert_from(payload, 'UTF8') LIKE $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of("%\"outbox-" + run + "-%"))
                .await().atMost(Duration.ofSeconds(30)).iterator().next().getLong(0);
    }
}
