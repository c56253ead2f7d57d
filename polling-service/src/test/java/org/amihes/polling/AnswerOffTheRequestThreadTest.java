package org.amihes.polling;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Alternative;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.amihes.polling.application.ReadBatches;
import org.amihes.polling.messaging.JobDispatcher;
import org.amihes.polling.persistence.ReadStore;
import org.amihes.service.testing.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * Defect 1 of issue 15 answered 500 ({@code ContextNotActiveException} in polling-service's response path) after the
 * batch was stored: the answer is built from the current request (Quarkus REST makes its relative {@code Location}
 * absolute from a request-scoped bean), and the read path of then (a broker emitter, a registry pull over a REST client)
 * completed on threads outside the request. A guard against that mechanism, not a reproduction of the report (it passes
 * on the code it guards: context propagation carries the request into callbacks of the Mutiny chain): the stored batch
 * is handed back on a plain thread of its own, always; every request must still answer 202 with its batch, the
 * repeat-safe path (Idempotency-Key) too, and each batch is stored once.
 */
@QuarkusTest
@TestProfile(AnswerOffTheRequestThreadTest.StoredElsewhere.class)
class AnswerOffTheRequestThreadTest {

    public static class StoredElsewhere implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(ElsewhereReadBatches.class);
        }
    }

    /** The read use case as it is, its stored batch handed back from a plain thread that knows no request. */
    @Alternative
    @jakarta.inject.Singleton
    public static class ElsewhereReadBatches extends ReadBatches {
        static final java.util.concurrent.atomic.AtomicInteger HANDED_BACK = new java.util.concurrent.atomic.AtomicInteger();
        private final ExecutorService elsewhere = Executors.newSingleThreadExecutor(r -> new Thread(r, "elsewhere"));

        public ElsewhereReadBatches(ReadStore store, JobDispatcher dispatcher) {
            super(store, dispatcher);
        }

        @Override
        public Uni<Stored> start(List<String> meterIds, List<String> registers, String idempotencyKey) {
            return super.start(meterIds, registers, idempotencyKey).chain(stored -> Uni.createFrom()
                    .emitter(e -> elsewhere.execute(() -> {
                        HANDED_BACK.incrementAndGet();
                        e.complete(stored);
                    })));
        }

        @PreDestroy
        void stop() {
            elsewhere.shutdownNow();
        }
    }

    @Test
    void aReadWhoseWorkEndsOnAnotherThreadIsAnsweredAccepted() throws Exception {
        String meter = "OFF-" + UUID.randomUUID().toString().substring(0, 8);
        for (String key : new String[] {null, "off-thread-" + UUID.randomUUID()}) {
            var request = given().contentType(ContentType.JSON).body(Map.of("meterIds", List.of(meter)));
            if (key != null) {
                request.header("Idempotency-Key", key);
            }
            Response answer = request.post("/reads");
            assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(202);
            String batchId = answer.path("batchId");
            assertThat(answer.header("Location")).endsWith("/reads/" + batchId);
            assertThat(TestDatabase.sql("SELECT count(*) FROM polling.read_batch WHERE batch_id = ?",
                    UUID.fromString(batchId))).isEqualTo(1L);
        }
        assertThat(ElsewhereReadBatches.HANDED_BACK).hasValue(2);
        assertThat(TestDatabase.sql("SELECT count(*) FROM polling.read_job WHERE meter_id = ?", meter))
                .isEqualTo(2L);
    }
}
