package org.amihes.contracts;

import java.util.List;

/**
 * A classified meter-facing failure.
 *
 * @param failureClass NETWORK, PROTOCOL, VENDOR or SECURITY
 * @param code         stable code, e.g. {@code DLMS-004} or {@code 0x0001}
 * @param message      human-readable, starts with the code (e.g. "DLMS-004: Security Suite Mismatch ...")
 * @param exchange     the frames exchanged up to the failure, hex, prefixed "TX " / "RX ", for forensics
 */
public record MeterFailure(String failureClass, String code, String message, List<String> exchange) {

    public MeterFailure {
        exchange = exchange == null ? List.of() : List.copyOf(exchange);
    }
}
