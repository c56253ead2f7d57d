package org.amihes.association.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.SecurityObjects;
import org.amihes.dlms.SecuritySettings;
import org.junit.jupiter.api.Test;

/** Keys in association-service's memory: bounded, expiring, one fetch for concurrent asks, failures not kept. */
class CredentialCacheTest {

    static MeterCredentials credentials(String profile) {
        return new MeterCredentials(profile, 1, AuthenticationLevel.HIGH_GMAC, 0,
                SecuritySettings.SecurityPolicy.AUTHENTICATED_ENCRYPTED, 1, SecurityObjects.FIND_ON_METER,
                new byte[8], List.of(new MeterCredentials.KeyVersion(1, "ACTIVE", new byte[16], new byte[16], null, null)),
                null, null);
    }

    /** Version 1 ACTIVE and version 2 PENDING, as security-service answers during a rotation. */
    static MeterCredentials rotating() {
        return new MeterCredentials("p", 1, AuthenticationLevel.HIGH_GMAC, 0,
                SecuritySettings.SecurityPolicy.AUTHENTICATED_ENCRYPTED, 1, SecurityObjects.FIND_ON_METER,
                new byte[8], List.of(new MeterCredentials.KeyVersion(1, "ACTIVE", new byte[16], new byte[16], null, null),
                        new MeterCredentials.KeyVersion(2, "PENDING", new byte[16], new byte[16], null, null)),
                null, null);
    }

    @Test
    void theVersionAMeterAcceptedIsTriedFirstUntilTheCredentialsExpire() {
        AtomicLong now = new AtomicLong();
        CredentialCache cache = new CredentialCache(10, Duration.ofMinutes(5), now::get);
        cache.get("M1", () -> Future.succeededFuture(rotating()));
        assertThat(cache.get("M1", () -> Future.failedFuture("not asked")).result().candidates(null))
                .as("ACTIVE, then PENDING").containsExactly(0, 1);

        cache.update("M1", c -> c.preferring(2));
        MeterCredentials held = cache.get("M1", () -> Future.failedFuture("not asked")).result();
        assertThat(held.keys()).extracting(MeterCredentials.KeyVersion::version).containsExactly(2, 1);
        assertThat(held.candidates(null)).containsExactly(0, 1);
        assertThat(held.candidates(1)).containsExactly(1);
        assertThat(held.preferring(2)).isSameAs(held);
        assertThat(held.preferring(3)).as("a version not held").isSameAs(held);

        cache.update("M2", c -> c.preferring(2)); // nothing held: nothing made
        assertThat(cache.size()).isEqualTo(1);
        now.addAndGet(Duration.ofMinutes(6).toNanos());
        cache.update("M1", c -> c.preferring(1)); // expired: left to the next fetch
        assertThat(cache.get("M1", () -> Future.succeededFuture(credentials("fresh"))).result().profile()).isEqualTo("fresh");
    }

    @Test
    void heldUntilTheirTimeThenAskedAgain() {
        AtomicLong now = new AtomicLong();
        AtomicInteger fetches = new AtomicInteger();
        CredentialCache cache = new CredentialCache(10, Duration.ofMinutes(5), now::get);

        cache.get("M1", () -> { fetches.incrementAndGet(); return Future.succeededFuture(credentials("p")); });
        now.addAndGet(Duration.ofMinutes(4).toNanos());
        cache.get("M1", () -> { fetches.incrementAndGet(); return Future.succeededFuture(credentials("p")); });
        assertThat(fetches).hasValue(1);
        now.addAndGet(Duration.ofMinutes(2).toNanos());
        cache.get("M1", () -> { fetches.incrementAndGet(); return Future.succeededFuture(credentials("p")); });
        assertThat(fetches).hasValue(2);
    }

    @Test
    void concurrentAsksShareOneFetchAndAFailureIsNotKept() {
        AtomicInteger fetches = new AtomicInteger();
        CredentialCache cache = new CredentialCache(10, Duration.ofMinutes(5), System::nanoTime);
        Promise<MeterCredentials> pending = Promise.promise();
        Future<MeterCredentials> a = cache.get("M1", () -> { fetches.incrementAndGet(); return pending.future(); });
        Future<MeterCredentials> b = cache.get("M1", () -> { fetches.incrementAndGet(); return pending.future(); });
        assertThat(a).isSameAs(b);
        pending.fail("security-service unreachable");
        cache.get("M1", () -> { fetches.incrementAndGet(); return Future.succeededFuture(credentials("p")); });
        assertThat(fetches).hasValue(2);
    }

    @Test
    void boundedLeastRecentlyUsedFirstAndForgottenOnAsk() {
        AtomicInteger fetches = new AtomicInteger();
        CredentialCache cache = new CredentialCache(10_000, Duration.ofMinutes(5), System::nanoTime);
        for (int i = 0; i < 12_000; i++) {
            cache.get("M" + i, () -> { fetches.incrementAndGet(); return Future.succeededFuture(credentials("p")); });
        }
        assertThat(cache.size()).isEqualTo(10_000);
        cache.get("M11999", () -> { fetches.incrementAndGet(); return Future.succeededFuture(credentials("p")); });
        cache.get("M0", () -> { fetches.incrementAndGet(); return Future.succeededFuture(credentials("p")); });
        assertThat(fetches).as("M11999 held, M0 dropped").hasValue(12_001);
        cache.invalidate("M11999");
        cache.get("M11999", () -> { fetches.incrementAndGet(); return Future.succeededFuture(credentials("p")); });
        assertThat(fetches).hasValue(12_002);
    }

    @Test
    void toStringShowsNoKey() {
        MeterCredentials c = new MeterCredentials("p", 1, AuthenticationLevel.LOW, 0, SecuritySettings.SecurityPolicy.NONE,
                32, SecurityObjects.FIND_ON_METER, new byte[8], List.of(new MeterCredentials.KeyVersion(1, "ACTIVE",
                new byte[16], new byte[16], null, "secret-lls")), null, null);
        assertThat(c.toString()).doesNotContain("secret-lls").contains("LOW suite 0 NONE, client 32");
    }
}
