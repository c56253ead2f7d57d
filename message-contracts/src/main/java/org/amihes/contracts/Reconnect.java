package org.amihes.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Close the supply relay (remote_reconnect): invoked only when the meter is disconnected; depending on its
 * control_mode it connects at once or becomes ready for the customer to reconnect it by hand.
 */
public record Reconnect() implements MeterCommand {

    public static final String TYPE = "reconnect";

    @Override
    @JsonIgnore
    public String commandType() {
        return TYPE;
    }
}
