package org.amihes.contracts;

import java.time.Instant;

/**
 * A meter marked offline by association-service (it failed its jobs for NETWORK reasons several times in a row, over
 * some time: {@code hes.offline.*}), or back online (its next job succeeded). Published on the registry exchange
 * through association-service's outbox, routing key {@link #OFFLINE} or {@link #ONLINE}.
 *
 * @param eventId             unique per event: consumers drop a redelivery by it
 * @param online              false: marked offline; true: answering again
 * @param at                  when the change was decided
 * @param consecutiveFailures jobs failed in a row when it was marked offline (0 when back online)
 * @param since               offline: the first of those failures; online: when it had been marked offline
 * @param lastFailure         offline: the code and message of the last failure; online: null
 */
public record MeterConnectivityChanged(String eventId, String meterId, boolean online, Instant at,
                                       int consecutiveFailures, Instant since, String lastFailure) {

    public static final String OFFLINE = "meter.offline";
    public static final String ONLINE = "meter.online";

    public MeterConnectivityChanged {
        ContractViolation.required("eventId", eventId);
        ContractViolation.required("meterId", meterId);
        ContractViolation.required("at", at);
    }

    public String routingKey() {
        return online ? ONLINE : OFFLINE;
    }
}
