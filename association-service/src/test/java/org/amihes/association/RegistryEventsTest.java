package org.amihes.association;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.amihes.contracts.MeterRegistryChange;
import org.amihes.contracts.RegisteredMeter;
import org.amihes.contracts.RegistrySyncRequest;
import org.amihes.service.testing.TestRabbit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Registry changes reach other services as events (issue 15, defect 4): an import of 10,000 meters is announced in
 * ten {@link MeterRegistryChange}s covering every meter once; a re-import that changes nothing announces nothing; a
 * {@link RegistrySyncRequest} is answered with the whole registry as snapshot events. Real PostgreSQL and RabbitMQ.
 */
@QuarkusTest
class RegistryEventsTest {

    static final String EXCHANGE = "meter-registry-atest";
    Connection connection;
    Channel channel;
    String queue;

    @BeforeEach
    void listen() throws Exception {
        connection = TestRabbit.factory().newConnection("registry-events-test");
        channel = connection.createChannel();
        channel.exchangeDeclare(EXCHANGE, "topic", true);
        queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, EXCHANGE, MeterRegistryChange.ROUTING_KEY);
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
    }

    @Test
    void anImportIsAnnouncedOnceInEventsOfAThousand() throws Exception {
        String prefix = "E" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<String> ids = RegistryImportTest.ids(prefix, RegistryImportTest.METERS);
        given().contentType(ContentType.JSON).body(RegistryImportTest.registry(ids, 4059)).post("/meters/import")
                .then().statusCode(200);
        List<MeterRegistryChange> events = receive(prefix, RegistryImportTest.METERS, Duration.ofSeconds(30));
        assertThat(events).hasSize(10).allMatch(e -> !e.snapshot() && e.meters().size() == 1000);
        Set<String> announced = new HashSet<>();
        events.forEach(e -> e.meters().forEach(m -> assertThat(announced.add(m.meterId())).isTrue()));
        assertThat(announced).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(events.get(0).meters().get(0).vendor()).isEqualTo("aurora-ax1");

        given().contentType(ContentType.JSON).body(RegistryImportTest.registry(ids, 4059)).post("/meters/import")
                .then().statusCode(200);
        assertThat(receive(prefix, 1, Duration.ofSeconds(3))).as("nothing changed, nothing announced").isEmpty();
    }

    @Test
    void aSyncRequestIsAnsweredWithTheWholeRegistry() throws Exception {
        String prefix = "S" + UUID.randomUUID().toString().substring(0, 6) + "-";
        given().contentType(ContentType.JSON).body(MeterResourceTest.meterJson(prefix + "1", 4059))
                .put("/meters/" + prefix + "1").then().statusCode(201);
        receive(prefix, 1, Duration.ofSeconds(10));
        channel.basicPublish(EXCHANGE, RegistrySyncRequest.ROUTING_KEY, null,
                TestBroker.JSON.writeValueAsBytes(
                        new RegistrySyncRequest(UUID.randomUUID().toString(), "registry-events-test")));
        List<MeterRegistryChange> snapshot = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (snapshot.stream().noneMatch(e -> e.meters().stream().anyMatch(m -> m.meterId().equals(prefix + "1")))
                && System.nanoTime() < deadline) {
            GetResponse r = channel.basicGet(queue, true);
            if (r == null) {
                Thread.sleep(20);
                continue;
            }
            MeterRegistryChange e = TestBroker.JSON.readValue(r.getBody(), MeterRegistryChange.class);
            if (e.snapshot()) {
                snapshot.add(e);
            }
        }
        assertThat(snapshot).isNotEmpty();
        RegisteredMeter m = snapshot.stream().flatMap(e -> e.meters().stream())
                .filter(x -> x.meterId().equals(prefix + "1")).findFirst().orElseThrow();
        assertThat(m.vendor()).isEqualTo("aurora-ax1");
        assertThat(m.updatedAt()).isNotNull();
    }

    @Test
    void aMetersTagsAreStoredOnceSortedAndAnnouncedWhenTheyChange() throws Exception {
        String prefix = "G" + UUID.randomUUID().toString().substring(0, 6) + "-";
        String id = prefix + "1";
        String tagged = MeterResourceTest.meterJson(id, 4059).replace("}", ",\"tags\":[\"pilot\",\"feeder-2\",\"pilot\"]}");
        given().contentType(ContentType.JSON).body(tagged).put("/meters/" + id).then().statusCode(201);
        List<MeterRegistryChange> first = receive(prefix, 1, Duration.ofSeconds(10));
        assertThat(first).hasSize(1);
        assertThat(first.get(0).meters().get(0).tags()).containsExactly("feeder-2", "pilot");
        given().get("/meters/" + id).then().statusCode(200)
                .body("tags", org.hamcrest.Matchers.contains("feeder-2", "pilot"));

        given().contentType(ContentType.JSON).body(tagged).put("/meters/" + id).then().statusCode(200);
        assertThat(receive(prefix, 1, Duration.ofSeconds(3))).as("the same tags: nothing announced").isEmpty();

        String retagged = MeterResourceTest.meterJson(id, 4059).replace("}", ",\"tags\":[\"feeder-3\"]}");
        given().contentType(ContentType.JSON).body(retagged).put("/meters/" + id).then().statusCode(200);
        List<MeterRegistryChange> second = receive(prefix, 1, Duration.ofSeconds(10));
        assertThat(second).hasSize(1);
        assertThat(second.get(0).meters().get(0).tags()).containsExactly("feeder-3");

        String bad = MeterResourceTest.meterJson(id, 4059).replace("}", ",\"tags\":[\"no,commas\"]}");
        given().contentType(ContentType.JSON).body(bad).put("/meters/" + id).then().statusCode(400)
                .body("type", org.hamcrest.Matchers.equalTo("urn:amihes:problem:invalid-field"));
    }

    /** Change events naming meters of this test (by id prefix), until {@code meters} were named or time is up. */
    private List<MeterRegistryChange> receive(String prefix, int meters, Duration timeout) throws Exception {
        List<MeterRegistryChange> events = new ArrayList<>();
        int named = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (named < meters && System.nanoTime() < deadline) {
            GetResponse r = channel.basicGet(queue, true);
            if (r == null) {
                Thread.sleep(20);
                continue;
            }
            MeterRegistryChange e = TestBroker.JSON.readValue(r.getBody(), MeterRegistryChange.class);
            if (!e.snapshot() && e.meters().stream().anyMatch(m -> m.meterId().startsWith(prefix))) {
                events.add(e);
                named += e.meters().size();
            }
        }
        return events;
    }
}
