package org.amihes.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.MeterSpec;
import org.junit.jupiter.api.Test;

/**
 * association-service's own token stops being accepted by security-service while association-service still holds it
 * (the 100,000-meter secured benchmark: a token valid when sent reached security-service expired, and 48,274 reads
 * failed HES-005 "security-service answered HTTP 401" within seconds). Here security-service accepts a token for 3 s
 * only ({@code quarkus.oidc.token.age}), keys are held for 1 s: the second read, 5 s after the first, must fetch keys
 * with a token security-service refuses. Every meter must still be read: the refused token is dropped and
 * the request sent once more with a new one.
 */
class ServiceTokenRenewalIT {

    @Test
    void aRefusedServiceTokenIsReplacedAndNoReadFails() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Fleet fleet = Fleet.generate(6, List.of("aurora-ax1"), SecuredStack.SEED, "127.6.7.1",
                ServiceProcess.freePort()).withIdPrefix("TOK-" + run + "-");
        try (SecuredStack stack = SecuredStack.start("token-" + run, fleet, Instant.parse("2026-10-01T08:15:00Z"),
                Map.of("hes.keys.cache-ttl", "1s"),
                Map.of("quarkus.oidc.token.age", "PT3S"))) {
            List<String> ids = fleet.meters().stream().map(MeterSpec::meterId).toList();
            JsonPath first = stack.read(ids, Duration.ofSeconds(90));
            assertThat(first.getInt("ok")).as("first read: " + first.prettify()).isEqualTo(ids.size());
            Thread.sleep(5_000); // the token association-service holds is now older than security-service accepts
            JsonPath second = stack.read(ids, Duration.ofSeconds(90));
            assertThat(second.getInt("ok")).as("second read, with a token security-service refuses: "
                    + second.prettify()).isEqualTo(ids.size());
            assertThat(second.getInt("failed")).isZero();
        }
    }
}
