package org.amihes.security.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.amihes.service.testing.TestDatabase;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.MeterSpec;
import org.junit.jupiter.api.Test;

/**
 * A message of key confirmations activates its versions together ({@link KeyStore#activate}): 10,000 meters' PENDING
 * versions become ACTIVE and their ACTIVE ones RETIRED in one call, each with one ACTIVATED event; a confirmation
 * given twice in the message, one of a version that is not PENDING (unknown, or already ACTIVE: a redelivered
 * message) change nothing and write no event.
 */
@QuarkusTest
class KeyActivationTest {

    @Inject
    KeyVault vault;

    @Inject
    KeyStore store;

    @Test
    void tenThousandConfirmedVersionsActivateOnceEach() throws Exception {
        Fleet fleet = KeyImportTest.fleet(10_000);
        KeyImportTest.importFile(KeyImportTest.keysFile(fleet)).statusCode(200).body("imported", equalTo(10_000));
        List<String> ids = fleet.meters().stream().map(MeterSpec::meterId).toList();
        assertThat(vault.startRotations(ids, "security-officer")).hasSize(10_000);

        List<KeyStore.Activation> confirmed = new ArrayList<>();
        ids.forEach(id -> confirmed.add(vault.activation(id, 2, "association-service")));
        confirmed.add(vault.activation(ids.get(7), 2, "association-service")); // the same confirmation twice
        confirmed.add(vault.activation(ids.get(8), 3, "association-service")); // a version that does not exist
        confirmed.add(vault.activation(ids.get(9), 1, "association-service")); // the ACTIVE version, not PENDING
        assertThat(store.activate(confirmed)).isEqualTo(10_000);

        String[] meters = ids.toArray(String[]::new);
        assertThat(TestDatabase.count("SELECT count(*) FROM security.meter_key WHERE meter_id = ANY (?) AND version = 2 "
                + "AND state = 'ACTIVE'", (Object) meters)).isEqualTo(10_000);
        assertThat(TestDatabase.count("SELECT count(*) FROM security.meter_key WHERE meter_id = ANY (?) AND version = 1 "
                + "AND state = 'RETIRED'", (Object) meters)).isEqualTo(10_000);
        assertThat(TestDatabase.count("SELECT count(*) FROM security.meter_key WHERE meter_id = ANY (?)",
                (Object) meters)).isEqualTo(20_000);
        assertThat(TestDatabase.count("SELECT count(*) FROM security.key_event WHERE meter_id = ANY (?) "
                + "AND event = 'ACTIVATED'", (Object) meters)).isEqualTo(10_000);

        // the message redelivered: every version is ACTIVE already
        assertThat(store.activate(confirmed)).isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM security.key_event WHERE meter_id = ANY (?) "
                + "AND event = 'ACTIVATED'", (Object) meters)).isEqualTo(10_000);
    }
}
