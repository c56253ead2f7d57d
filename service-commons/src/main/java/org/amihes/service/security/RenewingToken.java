package org.amihes.service.security;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One access token at a time for a service's calls to another: renewed ahead of its expiry (a token that is valid when
 * sent can wait in queues and be checked after it expired), fetched once however many callers ask at that moment, and
 * dropped as soon as a server refuses it, so the next caller gets a new one. Pure logic: the fetch and the clock are
 * given.
 */
final class RenewingToken {

    /** A token, when it was fetched and when it expires (epoch seconds; {@link Long#MAX_VALUE}: no expiry given). */
    record Token(String value, long fetchedAt, long expiresAt) {
    }

    private final Supplier<Uni<Token>> fetch;
    private final long renewBeforeSeconds;
    private final LongSupplier nowSeconds;
    private volatile Token current;
    private Uni<Token> pending; // guarded by this

    /**
     * @param renewBefore renew this long before the expiry, or at half the token's lifetime when that comes later
     *                    (a short-lived token is not fetched again on every call)
     */
    RenewingToken(Supplier<Uni<Token>> fetch, Duration renewBefore, LongSupplier nowSeconds) {
        this.fetch = fetch;
        this.renewBeforeSeconds = renewBefore.toSeconds();
        this.nowSeconds = nowSeconds;
    }

    Uni<String> get() {
        Token t = current;
        if (t != null && fresh(t)) {
            return Uni.createFrom().item(t.value());
        }
        return fetchOnce().map(Token::value);
    }

    /** A server refused {@code value}: it is not handed out again (a newer token already in place is kept). */
    void refused(String value) {
        Token t = current;
        if (t != null && t.value().equals(value)) {
            synchronized (this) {
                if (current == t) {
                    current = null;
                }
            }
        }
    }

    private boolean fresh(Token t) {
        if (t.expiresAt() == Long.MAX_VALUE) {
            return true;
        }
        long margin = Math.min(renewBeforeSeconds, (t.expiresAt() - t.fetchedAt()) / 2);
        return nowSeconds.getAsLong() < t.expiresAt() - margin;
    }

    private synchronized Uni<Token> fetchOnce() {
        if (pending == null) {
            pending = fetch.get()
                    .invoke(this::arrived)
                    .onFailure().invoke(e -> forget())
                    .memoize().indefinitely();
        }
        return pending;
    }

    private synchronized void arrived(Token t) {
        current = t;
        pending = null;
    }

    private synchronized void forget() {
        pending = null;
    }
}
