package org.amihes.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.amihes.service.testing.TestTokens;

/**
 * {@code rotate=true}: the fleet's keys rotated between batch 1 and batch 2 as a security officer does it, one
 * {@code POST /keys/rotations} for the meters (up to the 100,000 one request may name), followed on {@code GET
 * /keys/rotations/{id}} until done: security-service makes each meter a new key version, association-service transfers
 * it to the meter and confirms it with a session under the new keys. Every meter must end ACTIVE (none FAILED), and
 * batch 2 must then read every meter with key version 2 (the pipeline's check). Not part of either batch's figures.
 */
final class KeyRotationStep {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyRotationStep() {
    }

    /** The report's line; throws when a meter did not end with its new keys ACTIVE. */
    static String run(HttpClient http, String securityUrl, List<String> ids) throws Exception {
        List<String> meters = ids.subList(0, Math.min(ids.size(), 100_000));
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(securityUrl + "/keys/rotations"))
                .header("Authorization", "Bearer " + TestTokens.user("security-officer"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(10))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("meterIds", meters)))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("POST /keys/rotations answered " + r.statusCode() + ": " + r.body());
        }
        double accepted = (System.nanoTime() - t0) / 1e9;
        String batch = JSON.readTree(r.body()).get("batchId").asText();
        PipelineBenchmark.say("key rotation " + batch + ": " + meters.size() + " meters");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        JsonNode progress;
        while (true) {
            HttpResponse<String> p = http.send(HttpRequest.newBuilder(URI.create(securityUrl + "/keys/rotations/" + batch))
                    .header("Authorization", "Bearer " + TestTokens.user("security-officer"))
                    .timeout(Duration.ofMinutes(1)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (p.statusCode() != 200) {
                throw new IllegalStateException("GET /keys/rotations/" + batch + " answered " + p.statusCode() + ": "
                        + p.body());
            }
            progress = JSON.readTree(p.body());
            if (progress.get("done").asBoolean()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("key rotation " + batch + " not done after 30 minutes: "
                        + progress.get("byState"));
            }
            Thread.sleep(500);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int active = progress.path("byState").path("ACTIVE").asInt();
        int failed = progress.path("byState").path("FAILED").asInt();
        if (active != meters.size() || failed != 0) {
            JsonNode failures = progress.get("failures");
            throw new IllegalStateException(String.format(Locale.ROOT, "key rotation %s: %d of %d meters ACTIVE, %d "
                    + "FAILED; first failures %s", batch, active, meters.size(), failed,
                    failures.size() > 5 ? JSON.writeValueAsString(List.of(failures.get(0), failures.get(1),
                            failures.get(2), failures.get(3), failures.get(4))) : failures));
        }
        String line = String.format(Locale.ROOT, "between batch 1 and 2, key rotation (`POST /keys/rotations`, one "
                        + "request for the %d meters, 202 in %.1f s, then `GET /keys/rotations/{id}` every 500 ms): every "
                        + "meter's new keys transferred and confirmed, %d ACTIVE, %d FAILED, in %.1f s (%.0f meters/s); "
                        + "batch 2 reads every meter with key version 2", meters.size(), accepted, active, failed, seconds,
                meters.size() / seconds);
        PipelineBenchmark.say(line);
        return line;
    }
}
