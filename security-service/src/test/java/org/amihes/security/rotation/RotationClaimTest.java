package org.amihes.security.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.amihes.security.keys.KeyStore;
import org.amihes.service.testing.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * The claims {@link RotationPreparer} prepares PREPARING rotation rows by, against PostgreSQL: two at once (two
 * replicas) never hold the same meter, and a claim whose work fails (the broker away) leaves its rows PREPARING. The
 * preparer's own passes are an hour apart here, so only this test claims.
 */
@QuarkusTest
@TestProfile(RotationClaimTest.NoPasses.class)
class RotationClaimTest {

    public static class NoPasses implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hes.keys.rotation-interval", "1h");
        }
    }

    @Inject
    KeyStore store;

    @Test
    void twoClaimsAtOnceHoldDifferentMeters() throws Exception {
        listPreparing(UUID.randomUUID(), 2_500);
        Set<String> first = new HashSet<>();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> holder = claim(first, () -> {
            held.countDown();
            assertThat(release.await(1, TimeUnit.MINUTES)).isTrue();
        });
        assertThat(held.await(1, TimeUnit.MINUTES)).isTrue();
        Set<String> second = new HashSet<>();
        // claimed while the first claim is held: not blocked by it, none of its rows
        int taken = claim(second, () -> { }).get(1, TimeUnit.MINUTES);
        release.countDown();
        assertThat(holder.get(1, TimeUnit.MINUTES)).isEqualTo(1_000);
        assertThat(taken).isEqualTo(1_000);
        assertThat(first).hasSize(1_000);
        assertThat(second).hasSize(1_000).doesNotContainAnyElementsOf(first);
        TestDatabase.sql("UPDATE security.key_rotation SET state = 'FAILED' WHERE state = 'PREPARING' AND actor = 'test'");
    }

    @Test
    void aClaimWhoseWorkFailsLeavesItsRowsPreparing() throws Exception {
        UUID batch = UUID.randomUUID();
        listPreparing(batch, 10);
        assertThatThrownBy(() -> store.preparing(1_000, claimed -> {
            throw new IllegalStateException("the broker did not confirm");
        })).hasMessageContaining("did not confirm");
        assertThat(TestDatabase.count("SELECT count(*) FROM security.key_rotation WHERE batch_id = ? "
                + "AND state = 'PREPARING'", batch)).isEqualTo(10);

        int claimed = 0;
        for (int n; (n = store.preparing(1_000, rows -> rows.stream().map(r -> new KeyStore.RotationRow(r.batchId(),
                r.meterId(), 0, "FAILED", "test", r.actor())).toList())) > 0; ) {
            claimed += n;
        }
        assertThat(claimed).isGreaterThanOrEqualTo(10);
        assertThat(TestDatabase.count("SELECT count(*) FROM security.key_rotation WHERE batch_id = ? "
                + "AND state = 'FAILED'", batch)).isEqualTo(10);
    }

    private interface WhileHeld {
        void run() throws Exception;
    }

    /** A claim of up to 1,000 rows on a thread of its own: their ids into {@code ids}, then {@code whileHeld}. */
    private CompletableFuture<Integer> claim(Set<String> ids, WhileHeld whileHeld) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return store.preparing(1_000, claimed -> {
                    claimed.forEach(r -> ids.add(r.batchId() + "/" + r.meterId()));
                    whileHeld.run();
                    return claimed;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void listPreparing(UUID batch, int meters) {
        String[] ids = IntStream.range(0, meters).mapToObj(i -> "CLAIM-" + i).toArray(String[]::new);
        TestDatabase.sql("INSERT INTO security.key_rotation (batch_id, meter_id, version, state, actor) "
                + "SELECT ?, unnest(?::varchar[]), 0, 'PREPARING', 'test'", batch, ids);
    }
}
