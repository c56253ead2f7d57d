package org.amihes.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The service token's renewal rules, with a given clock and a fetch that answers when told. */
class RenewingTokenTest {

    final AtomicLong now = new AtomicLong(1_000);
    final List<UniEmitter<? super RenewingToken.Token>> fetches = new ArrayList<>();
    final RenewingToken token = new RenewingToken(() -> Uni.createFrom().emitter(fetches::add), Duration.ofSeconds(60),
            now::get);

    /** Answers the pending fetch with a token of {@code lifetime} seconds, issued now. */
    void answer(String value, long lifetime) {
        fetches.remove(0).complete(new RenewingToken.Token(value, now.get(), now.get() + lifetime));
    }

    @Test
    void callersAtTheSameMomentShareOneFetch() {
        Uni<String> a = token.get();
        Uni<String> b = token.get();
        List<String> got = new ArrayList<>();
        a.subscribe().with(got::add);
        b.subscribe().with(got::add);
        assertThat(fetches).hasSize(1);
        answer("t1", 300);
        assertThat(got).containsExactly("t1", "t1");
        assertThat(token.get().await().indefinitely()).isEqualTo("t1");
        assertThat(fetches).isEmpty();
    }

    @Test
    void aTokenIsRenewedAheadOfItsExpiryNotAtIt() {
        token.get().subscribe().with(v -> { });
        answer("t1", 300);
        now.addAndGet(239); // 61 s left: still handed out
        assertThat(token.get().await().indefinitely()).isEqualTo("t1");
        now.addAndGet(1); // 60 s left: renewed, though the server would still take it for a minute
        List<String> got = new ArrayList<>();
        token.get().subscribe().with(got::add);
        assertThat(fetches).hasSize(1);
        answer("t2", 300);
        assertThat(got).containsExactly("t2");
    }

    @Test
    void aShortLivedTokenIsRenewedAtHalfItsLifetimeNotOnEveryCall() {
        token.get().subscribe().with(v -> { });
        answer("short", 40); // renew-before 60 s would be more than its whole life
        now.addAndGet(19);
        assertThat(token.get().await().indefinitely()).isEqualTo("short");
        assertThat(fetches).isEmpty();
        now.addAndGet(1);
        token.get().subscribe().with(v -> { });
        assertThat(fetches).hasSize(1);
    }

    @Test
    void aRefusedTokenIsNotHandedOutAgainButANewerOneIsKept() {
        token.get().subscribe().with(v -> { });
        answer("t1", 300);
        token.refused("t1");
        List<String> got = new ArrayList<>();
        token.get().subscribe().with(got::add);
        answer("t2", 300);
        assertThat(got).containsExactly("t2");
        token.refused("t1"); // a late 401 for the old token: t2 stays
        assertThat(token.get().await().indefinitely()).isEqualTo("t2");
        assertThat(fetches).isEmpty();
    }

    @Test
    void aFailedFetchIsNotKeptTheNextCallTriesAgain() {
        Uni<String> first = token.get();
        List<Throwable> failures = new ArrayList<>();
        first.subscribe().with(v -> { }, failures::add);
        fetches.remove(0).fail(new IllegalStateException("Keycloak away"));
        assertThat(failures).hasSize(1);
        assertThatThrownBy(() -> first.await().indefinitely()).hasMessageContaining("Keycloak away");
        List<String> got = new ArrayList<>();
        token.get().subscribe().with(got::add);
        answer("t1", 300);
        assertThat(got).containsExactly("t1");
    }
}
