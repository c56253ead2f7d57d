package org.amihes.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read request of {@code ./hes run} (issue 15, defect 1's symptom: the first {@code POST /reads} answered 500
 * although its batch was stored, and {@code ./hes run} stopped with "polling-service did not accept the read request",
 * leaving the stack running). The script's {@code read_fleet} runs against a stand-in for polling-service (the JDK's
 * HTTP server): a request answered 5xx or not at all is asked again under the same {@code Idempotency-Key}, which
 * polling-service answers with the batch already stored (no second read of the fleet); a refusal ends the run with the
 * answer and stops what the run started.
 */
class HesReadRequestIT {

    HttpServer polling;
    Path run;
    final List<String> keys = new CopyOnWriteArrayList<>();
    final AtomicInteger posts = new AtomicInteger();

    @BeforeEach
    void setUp() throws IOException {
        run = Files.createTempDirectory("hes-read");
        Files.writeString(run.resolve("meter_registry.json"), "{\"meters\": [{\"meterId\": \"M1\"}, {\"meterId\": \"M2\"}, "
                + "{\"meterId\": \"M3\"}]}");
        polling = HttpServer.create(new InetSocketAddress("127.0.0.1", ServiceProcess.freePort()), 0);
        polling.createContext("/reads/B-1", x -> answer(x, 200, "{\"batchId\":\"B-1\",\"requested\":3,\"completed\":3,"
                + "\"ok\":3,\"failed\":0,\"failuresByClass\":{},\"byAssociation\":{\"public: client 16 NONE\":3},"
                + "\"done\":true}"));
        polling.start();
    }

    @AfterEach
    void tearDown() throws IOException {
        polling.stop(0);
        try (var files = Files.walk(run)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    static void answer(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    /** POST /reads answers {@code first} to the first request, then 202 with the batch. */
    void readsAnswer(int first) {
        polling.createContext("/reads", x -> {
            x.getRequestBody().readAllBytes();
            keys.add(String.valueOf(x.getRequestHeaders().getFirst("Idempotency-Key")));
            if (posts.incrementAndGet() == 1 && first != 202) {
                answer(x, first, "{\"title\":\"Internal Server Error\",\"status\":" + first + "}");
            } else {
                answer(x, 202, "{\"batchId\":\"B-1\",\"requested\":3}");
            }
        });
    }

    record Result(int exit, String output) {
    }

    Result readFleet() throws Exception {
        Path root = ServiceProcess.projectRoot();
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source ./hes && TOKEN=t POLLING_PORT="
                + polling.getAddress().getPort() + " read_fleet 3").directory(root.toFile()).redirectErrorStream(true);
        pb.environment().put("HES_RUN_DIR", run.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("read_fleet ended").isTrue();
        return new Result(p.exitValue(), out);
    }

    @Test
    void aReadRequestAnswered500IsAskedAgainUnderTheSameKeyAndTheRunGoesOn() throws Exception {
        readsAnswer(500);
        Result r = readFleet();
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(posts.get()).isEqualTo(2);
        assertThat(keys).hasSize(2).doesNotContain("null").allMatch(k -> k.equals(keys.get(0)));
        assertThat(r.output()).contains("answered the read request with 500 (attempt 1 of 5)")
                .contains("meters read      : 3").contains("batch            : http://127.0.0.1:");
    }

    @Test
    void aRefusedReadRequestEndsTheRunWithTheAnswerAndStopsTheStack() throws Exception {
        readsAnswer(403);
        Result r = readFleet();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(posts.get()).as("a refusal is not asked again").isEqualTo(1);
        assertThat(r.output()).contains("polling-service did not accept the read request (HTTP 403)")
                .contains("\"status\":403").contains("stopping what ./hes run started");
    }

    @Test
    void aFirstRequestAnsweredAtOnceIsSentOnce() throws Exception {
        readsAnswer(202);
        Result r = readFleet();
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(posts.get()).isEqualTo(1);
        assertThat(keys.get(0)).startsWith("hes-run-");
    }
}
