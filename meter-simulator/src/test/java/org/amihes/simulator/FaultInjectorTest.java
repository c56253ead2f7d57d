package org.amihes.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The faults a session sees depend only on its seed and its traffic. */
@Timeout(20)
class FaultInjectorTest {

    static final Vertx VERTX = Vertx.vertx();
    static final Faults HALF = new Faults(0, 0, 0.2, 0.2, 0.2);

    @AfterAll
    static void stop() {
        VERTX.close();
    }

    @Test
    void sameSeedSameFaultsOtherSeedOtherFaults() {
        long seed = FaultInjector.seed(42, "MTR000001", 1);
        assertThat(outcomes(seed)).isEqualTo(outcomes(seed))
                .contains("ok", "dropped", "lost", "malformed")
                .isNotEqualTo(outcomes(FaultInjector.seed(42, "MTR000001", 2)));
    }

    @Test
    void probabilitiesAreHonouredOverManyAnswers() {
        List<String> outcomes = outcomes(7);
        long malformed = outcomes.stream().filter("malformed"::equals).count();
        assertThat(malformed).isBetween(96L, 160L); // not dropped, not lost, malformed: 0.8 × 0.8 × 0.2 × 1000 = 128
    }

    private static List<String> outcomes(long seed) {
        VendorProfile profile = VendorProfile.load("aurora-ax1");
        FaultInjector injector = new FaultInjector(VERTX, seed, profile, () -> HALF);
        byte[] reply = {0, 1, 0, 1, 0, 16, 0, 2, (byte) 0xC4, 1};
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            int before = outcomes.size();
            injector.answer(reply, out -> outcomes.add(Arrays.equals(out, reply) ? "ok" : "malformed"),
                    () -> outcomes.add("dropped"));
            if (outcomes.size() == before) {
                outcomes.add("lost");
            }
        }
        return outcomes;
    }
}
