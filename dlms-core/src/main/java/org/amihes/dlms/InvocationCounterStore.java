package org.amihes.dlms;

import io.vertx.core.Future;

/**
 * Where invocation counters live between sessions, per meter and key. A meter refuses a counter below the last
 * it saw, so the value handed out must never go back: implementations only ever raise it.
 */
public interface InvocationCounterStore {

    /** The counter a new session with this meter and key starts from. */
    Future<Long> next(String meterId, String keyId);

    /** After a session: the counter to use next. A lower value than the stored one changes nothing. */
    Future<Void> advance(String meterId, String keyId, long next);
}
