package org.amihes.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Open the supply relay (disconnect control, class 70, 0.0.96.3.10.255, remote_disconnect): the handler reads the
 * control state first and invokes nothing when the meter is disconnected already, so a repeat never switches twice.
 */
public record Disconnect() implements MeterCommand {

    public static final String TYPE = "disconnect";

    @Override
    @JsonIgnore
    public String commandType() {
        return TYPE;
    }
}
