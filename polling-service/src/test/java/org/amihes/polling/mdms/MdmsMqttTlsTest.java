package org.amihes.polling.mdms;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.amihes.contracts.MdmsReading;
import org.amihes.contracts.MeterJob;
import org.amihes.polling.schedules.FakeAssociation;
import org.amihes.polling.schedules.ReadProgress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MQTT over TLS to a real Mosquitto ({@link MosquittoTls}: the project's tools/mqtt-tls.sh CA and certificate, a TLS
 * listener on a free port): polling-service publishes each stored reading over TLS, checking the broker's certificate
 * against the CA and the host name; a subscriber over TLS receives each once. The TLS port speaks no plain MQTT, and
 * a client that does not trust the CA is refused.
 */
@QuarkusTest
@QuarkusTestResource(value = MosquittoTls.class, restrictToAnnotatedClass = true)
class MdmsMqttTlsTest {

    static final String RUN = "TL" + UUID.randomUUID().toString().substring(0, 6);
    static final List<String> REGISTERS = List.of("1.0.1.8.0.255", "1.0.2.8.0.255");
    static FakeAssociation association;
    static Vertx vertx;
    static final List<MdmsReading> received = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void setUp() throws Exception {
        association = new FakeAssociation();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void tearDown() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        association.close();
    }

    static MqttClientOptions tls(String clientId) {
        MqttClientOptions options = new MqttClientOptions().setClientId(clientId).setCleanSession(false).setSsl(true);
        options.setHostnameVerificationAlgorithm("HTTPS");
        options.setTrustOptions(new PemTrustOptions().addCertPath(MosquittoTls.dir.resolve("ca.pem").toString()));
        return options;
    }

    @Test
    void eachReadingReachesATlsSubscriberOnceAndTheTlsPortRefusesPlainAndUntrustedClients() throws Exception {
        MqttClient subscriber = MqttClient.create(vertx, tls("mdms-tls-subscriber-" + RUN));
        subscriber.publishHandler(m -> {
            try {
                received.addAll(FakeAssociation.JSON.readValue(m.payload().getBytes(),
                        org.amihes.contracts.MdmsReadings.class).readings());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        subscriber.connect(MosquittoTls.port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        subscriber.subscribe(MosquittoTls.PREFIX + "/#", 1).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        List<String> meters = IntStream.rangeClosed(1, 3).mapToObj(i -> RUN + "-" + i).toList();
        association.register(meters, "tls-vendor");
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String batch = given().contentType(ContentType.JSON).body(Map.of("meterIds", meters, "registers", REGISTERS))
                .post("/reads").then().statusCode(202).extract().path("batchId");
        List<MeterJob> jobs = association.jobsOf(batch, meters.size(), Duration.ofSeconds(10));
        association.answer(jobs, t);
        assertThat(ReadProgress.awaitDone(batch)).isEqualTo(3);
        List<String> expected = new ArrayList<>();
        meters.forEach(m -> REGISTERS.forEach(o -> expected.add(MdmsReading.dedupKey(MdmsReading.Kind.REGISTER, m, null, o, t))));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (keys().size() < expected.size() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(1500); // nothing more comes
        assertThat(keys()).containsExactlyInAnyOrderElementsOf(expected);
        synchronized (received) {
            MdmsReading one = received.stream().filter(r -> r.meterId().equals(meters.get(2))
                    && r.obis().equals("1.0.1.8.0.255")).findFirst().orElseThrow();
            assertThat(one.value()).isEqualByComparingTo(FakeAssociation.valueOf(meters.get(2), "1.0.1.8.0.255"));
        }
        subscriber.disconnect().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

        // plain MQTT on the TLS port, and TLS without trusting the project's CA: no connection
        MqttClient plain = MqttClient.create(vertx, new MqttClientOptions().setClientId("plain-" + RUN));
        assertThatThrownBy(() -> plain.connect(MosquittoTls.port, "127.0.0.1").toCompletionStage()
                .toCompletableFuture().get(10, TimeUnit.SECONDS)).isNotNull();
        MqttClient untrusted = MqttClient.create(vertx, new MqttClientOptions().setClientId("untrusted-" + RUN).setSsl(true));
        assertThatThrownBy(() -> untrusted.connect(MosquittoTls.port, "127.0.0.1").toCompletionStage()
                .toCompletableFuture().get(10, TimeUnit.SECONDS)).isNotNull();
    }

    static List<String> keys() {
        synchronized (received) {
            return received.stream().map(MdmsReading::dedupKey).filter(k -> k.startsWith(RUN)).toList();
        }
    }
}
