package org.amihes.polling;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.polling.schedules.FakeAssociation;
import org.amihes.service.testing.TestDatabase;
import org.amihes.service.testing.TestRabbit;
import org.junit.jupiter.api.Test;

/**
 * A read asked for before association-service bound its job partitions on this broker (every pod of a new cluster
 * starting at once): the broker confirms a job no queue takes and drops it, so the batch would stay unread for ever
 * while marked published. The jobs must wait (the batch not marked published) and reach the partitions once they are
 * bound. Real RabbitMQ (a consistent-hash jobs exchange of this test's own) and PostgreSQL.
 */
@QuarkusTest
@TestProfile(UnroutedJobsTest.NoPartitionsYet.class)
class UnroutedJobsTest {

    static final String JOBS = "meter-jobs.unrouted-test-" + UUID.randomUUID().toString().substring(0, 8);

    public static class NoPartitionsYet implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hes.topology.jobs-exchange", JOBS);
        }
    }

    @Test
    void jobsNoPartitionTookArePublishedAgainOnceThePartitionsAreBound() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> meters = List.of("UNR-" + run + "-1", "UNR-" + run + "-2", "UNR-" + run + "-3");
        try (Connection c = TestRabbit.factory().newConnection("unrouted-jobs-test")) {
            Channel ch = c.createChannel();
            try {
                String batch = given().contentType(ContentType.JSON).body(Map.of("meterIds", meters)).post("/reads")
                        .then().statusCode(202).extract().path("batchId");
                Thread.sleep(3_000);
                assertThat(TestDatabase.sql("SELECT count(*) FROM polling.read_batch WHERE batch_id = ?::uuid "
                        + "AND published_at IS NULL", batch)).as("a batch whose jobs no partition took is not published")
                        .isEqualTo(1L);

                // association-service starts: a partition bound to the jobs exchange, as JobPartitions binds them
                String partition = ch.queueDeclare().getQueue();
                ch.queueBind(partition, JOBS, "1");
                List<String> delivered = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (delivered.size() < meters.size() && System.nanoTime() < deadline) {
                    GetResponse m = ch.basicGet(partition, true);
                    if (m == null) {
                        Thread.sleep(200);
                        continue;
                    }
                    for (JsonNode job : FakeAssociation.JSON.readTree(m.getBody()).get("jobs")) {
                        delivered.add(job.get("meterId").asText());
                    }
                }
                assertThat(delivered).as("the batch's jobs, delivered once the partitions were bound")
                        .containsExactlyInAnyOrderElementsOf(meters);
                deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (TestDatabase.sql("SELECT count(*) FROM polling.read_batch WHERE batch_id = ?::uuid "
                        + "AND published_at IS NOT NULL", batch) == 0) {
                    assertThat(System.nanoTime()).as("the batch marked published once its jobs were taken")
                            .isLessThan(deadline);
                    Thread.sleep(100);
                }
            } finally {
                ch.exchangeDelete(JOBS);
            }
        }
    }
}
