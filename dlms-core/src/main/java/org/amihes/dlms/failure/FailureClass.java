package org.amihes.dlms.failure;

/** Where a meter-facing failure comes from, which decides who has to act on it. */
public enum FailureClass {
    /** the meter could not be reached or stopped answering: field network, modem, power */
    NETWORK,
    /** the exchange broke the protocol: malformed or unexpected PDUs, version mismatch, exception-response */
    PROTOCOL,
    /** the meter spoke DLMS correctly but its data or object model is not what the vendor profile says */
    VENDOR,
    /** authentication, ciphering, keys, invocation counters, security suites */
    SECURITY
}
