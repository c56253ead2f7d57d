package org.amihes.dlms.failure;

import java.util.List;

/** A classified meter-facing failure, with the frames exchanged up to it. */
public final class DlmsException extends RuntimeException {

    private final FailureCode code;
    private final String detail;
    private final transient List<String> exchange;

    public DlmsException(FailureCode code, String detail, List<String> exchange, Throwable cause) {
        super(code.code() + ": " + code.title() + (detail == null ? "" : " (" + detail + ")"), cause, false, false);
        this.code = code;
        this.detail = detail;
        this.exchange = exchange == null ? List.of() : List.copyOf(exchange);
    }

    public DlmsException(FailureCode code, String detail) {
        this(code, detail, List.of(), null);
    }

    public FailureCode code() {
        return code;
    }

    public FailureClass failureClass() {
        return code.failureClass();
    }

    public String detail() {
        return detail;
    }

    /** Frames exchanged before the failure, oldest first, as "TX hex" / "RX hex". */
    public List<String> exchange() {
        return exchange;
    }

    public DlmsException withExchange(List<String> frames) {
        return new DlmsException(code, detail, frames, getCause());
    }
}
