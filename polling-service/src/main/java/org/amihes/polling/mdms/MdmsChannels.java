package org.amihes.polling.mdms;

/** The names of the MDMS outbox's channels, as stored in {@code polling.mdms_outbox.channel}. */
public final class MdmsChannels {

    public static final String AMQP = "amqp";
    public static final String MQTT = "mqtt";

    private MdmsChannels() {
    }
}
