package org.amihes.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gurux.dlms.enums.Authentication;
import gurux.dlms.objects.GXDLMSClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The meter's count of associations open at once ({@link MeterSnapshot#mostConcurrent()}), against clients whose
 * concurrency is known: a blocking client that closes each connection (FIN sent) before it opens the next has one
 * association at a time, however its associations end (refused, or dropped without release); two clients associated
 * together have two, whether both work or one only holds its connection open.
 */
class ConcurrentAssociationsTest {

    static Fixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new Fixture("127.44.0.1", SimulatorOptions.DEFAULTS);
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    /** Waits past the overlap check of the last accept (the count settles then). */
    static int settled(MeterSpec m) throws InterruptedException {
        Thread.sleep(AssociationOverlap.GRACE_MS + 500);
        return fixture.simulator.meterState(m.meterId()).mostConcurrent();
    }

    /** Refused associations (wrong LLS password) and associations dropped without release, one after the other. */
    @ParameterizedTest
    @ValueSource(strings = {"corvus-c3", "aurora-ax1"})
    void aClientThatClosesBeforeItReconnectsHasOneAssociationAtATime(String profile) throws Exception {
        MeterSpec m = fixture.meter(profile);
        for (int i = 0; i < 150; i++) {
            try (TestClient c = TestClient.tcp(m, SimulatedMeter.LLS_CLIENT, Authentication.LOW, "wrong-password")) {
                assertThatThrownBy(c::associate).as("a wrong password is refused");
            }
            try (TestClient c = TestClient.publicClient(m)) {
                c.associate().read(new GXDLMSClock("0.0.1.0.0.255"), 2);
            } // closed without release, as the head-end does after a failure
        }
        assertThat(fixture.simulator.meterState(m.meterId()).sessions()).isGreaterThanOrEqualTo(300);
        assertThat(settled(m)).isEqualTo(1);
    }

    @Test
    void twoClientsAssociatedTogetherAreTwo() throws Exception {
        MeterSpec m = fixture.meter("borealis-b7");
        try (TestClient first = TestClient.publicClient(m).associate();
             TestClient second = TestClient.publicClient(m).associate()) {
            second.read(new GXDLMSClock("0.0.1.0.0.255"), 2);
            first.read(new GXDLMSClock("0.0.1.0.0.255"), 2); // the first works after the second was accepted
            second.release();
            first.release();
        }
        assertThat(settled(m)).isEqualTo(2);
    }

    @Test
    void aConnectionHeldOpenWhileAnotherWorksCounts() throws Exception {
        MeterSpec m = fixture.meter("delta-q9");
        try (TestClient idle = TestClient.publicClient(m).associate()) {
            try (TestClient worker = TestClient.publicClient(m).associate()) {
                worker.read(new GXDLMSClock("0.0.1.0.0.255"), 2);
                worker.release();
            }
            assertThat(settled(m)).as("the idle association is still open after the grace").isEqualTo(2);
        }
    }
}
