package org.amihes.service.outbox;

/** One event to publish: its routing key on the relay's exchange and its body (JSON). */
public record OutboxEvent(String routingKey, byte[] payload) {

    public OutboxEvent {
        if (routingKey == null || routingKey.isBlank() || payload == null) {
            throw new IllegalArgumentException("an outbox event needs a routing key and a payload");
        }
    }
}
