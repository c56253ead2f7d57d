package org.amihes.dlms.failure;

/**
 * Stable failure codes. The code and title never change once published: operators grep logs and build alarms
 * on them. Messages render as {@code "<code>: <title> (<detail>)"}, e.g. "0x0001: General-Service-Error (...)".
 */
public enum FailureCode {
    CONNECTION_REFUSED("DLMS-101", FailureClass.NETWORK, "Connection refused"),
    NO_ANSWER("DLMS-102", FailureClass.NETWORK, "No answer"),
    CONNECTION_CLOSED("DLMS-103", FailureClass.NETWORK, "Connection closed by the meter"),
    UNREACHABLE("DLMS-104", FailureClass.NETWORK, "Meter unreachable"),
    /**
     * TCP accepted, then the AARQ (the first APDU) unanswered until the response timeout. Silence is what was
     * observed, hence NETWORK; but many meters drop an AARQ for an unknown client address or logical device or for
     * wrong credentials without a word, and nothing on the wire tells those apart, so the message names them and
     * the code is retried once at most (a meter busy with another association is the passing cause).
     */
    AARQ_UNANSWERED("DLMS-105", FailureClass.NETWORK, "AARQ unanswered", Retry.ONCE),
    /** An operator ended the association (a hung one) from the head-end: not retried, the job ends with it. */
    SESSION_RESET("DLMS-106", FailureClass.NETWORK, "Association reset by the head-end", Retry.NEVER),

    GENERAL_SERVICE_ERROR("0x0001", FailureClass.PROTOCOL, "General-Service-Error"),
    MALFORMED_PDU("DLMS-001", FailureClass.PROTOCOL, "Malformed PDU"),
    UNEXPECTED_PDU("DLMS-002", FailureClass.PROTOCOL, "Unexpected PDU"),
    ASSOCIATION_REJECTED("DLMS-003", FailureClass.PROTOCOL, "Association rejected"),
    EXCEPTION_RESPONSE("DLMS-005", FailureClass.PROTOCOL, "Exception response"),
    DATA_ACCESS_ERROR("DLMS-006", FailureClass.PROTOCOL, "Data access error"),
    /** the AARE says accepted but names another application context than the AARQ proposed */
    CONTEXT_NAME_MISMATCH("DLMS-007", FailureClass.PROTOCOL, "Application context name mismatch"),
    ANSWER_TOO_LONG("DLMS-008", FailureClass.PROTOCOL, "Answer never ends"),

    SECURITY_SUITE_MISMATCH("DLMS-004", FailureClass.SECURITY, "Security Suite Mismatch"),
    AUTHENTICATION_FAILED("DLMS-401", FailureClass.SECURITY, "Authentication failed"),
    CLOSED_AFTER_AARQ("DLMS-402", FailureClass.SECURITY, "Connection closed right after the AARQ"),
    ACCESS_DENIED("DLMS-403", FailureClass.SECURITY, "Access denied"),
    DECIPHERING_FAILED("DLMS-404", FailureClass.SECURITY, "Deciphering failed"),
    // DLMS-405 was "Invocation counter rejected" (removed, never produced): not reused.
    /** like DLMS-402, one step later: the meter took the dedicated key in the AARQ, then dropped its first use */
    CLOSED_AFTER_DEDICATED_KEY("DLMS-406", FailureClass.SECURITY,
            "Connection closed right after the first dedicated-key APDU"),
    /** a ciphered APDU from the meter whose invocation counter does not increase within the session */
    REPLAYED_RESPONSE("DLMS-407", FailureClass.SECURITY, "Replayed response"),

    OBJECT_UNDEFINED("DLMS-201", FailureClass.VENDOR, "Object undefined"),
    NULL_VALUE("DLMS-202", FailureClass.VENDOR, "Register returned no value"),
    UNEXPECTED_VALUE("DLMS-203", FailureClass.VENDOR, "Value not as registered"),
    REFUSED_BY_METER("DLMS-204", FailureClass.VENDOR, "Refused by the meter"),
    /** A warning, never a failure: the release response's lengths do not add up (the reads are done). */
    RELEASE_MALFORMED("DLMS-205", FailureClass.VENDOR, "Release response malformed");

    private final String code;
    private final FailureClass failureClass;
    private final String title;
    private final Retry retry;

    /** NETWORK failures are transient; every other class needs someone to change something first. */
    FailureCode(String code, FailureClass failureClass, String title) {
        this(code, failureClass, title, failureClass == FailureClass.NETWORK ? Retry.TRANSIENT : Retry.NEVER);
    }

    FailureCode(String code, FailureClass failureClass, String title, Retry retry) {
        this.code = code;
        this.failureClass = failureClass;
        this.title = title;
        this.retry = retry;
    }

    public String code() {
        return code;
    }

    public FailureClass failureClass() {
        return failureClass;
    }

    public String title() {
        return title;
    }

    /** Whether and how often asking again, unchanged, may help: what a retry policy goes by. */
    public Retry retry() {
        return retry;
    }
}
