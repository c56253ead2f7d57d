package org.amihes.interop;

/**
 * The conformance test areas the cases belong to, after the DLMS UA's conformance test plan (association open and
 * release, data services by logical name, security), plus the transport under it and the idempotency of writes.
 */
public enum Area {
    TRANSPORT("transport", "Transport: connection over the configured medium, wrapper/HDLC framing, answer latency"),
    ASSOCIATION("association", "Application association: AARQ/AARE per claimed mechanism, refusals, conformance block, PDU size, release (RLRQ/RLRE)"),
    OBJECTS("objects", "Object model: the association's object list against the declaration, mandatory objects mapped"),
    SERVICES("services", "Data services by logical name: GET with block transfer, selective access by range and entry"),
    SECURITY("security", "Security: wrong key refused, replayed invocation counter refused, suite mismatch diagnosed (DLMS-004)"),
    IDEMPOTENCY("idempotency", "Idempotency of writes: disconnect twice switches once, the installed image is refused for re-write");

    private final String label;
    private final String description;

    Area(String label, String description) {
        this.label = label;
        this.description = description;
    }

    public String label() {
        return label;
    }

    public String description() {
        return description;
    }
}
