package org.amihes.service.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * JSON on the wire for every contract record, written and read with the application's ObjectMapper (so
 * java.time and strictness are the same as on the REST side), never with a second, differently configured one.
 */
@ApplicationScoped
public class JsonMessages {

    private final ObjectMapper mapper;

    @Inject
    public JsonMessages(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A persistent JSON message with an explicit routing key and message id (for broker-side deduplication). */
    public <T> Message<byte[]> persistent(T payload, String routingKey, String messageId) {
        OutgoingRabbitMQMetadata metadata = OutgoingRabbitMQMetadata.builder()
                .withContentType("application/json")
                .withDeliveryMode(2)
                .withRoutingKey(routingKey)
                .withMessageId(messageId)
                .build();
        return Message.of(write(payload), Metadata.of(metadata));
    }

    public byte[] write(Object payload) {
        try {
            return mapper.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise " + payload.getClass().getSimpleName(), e);
        }
    }

    /** Reads a payload whatever shape the connector delivered it in (bytes, Buffer, String, JsonObject). */
    public <T> T read(Object payload, Class<T> type) throws IOException {
        return mapper.readValue(bytes(payload), type);
    }

    /** The bytes of a payload whatever shape the connector delivered it in. */
    public static byte[] bytes(Object payload) throws IOException {
        byte[] bytes;
        if (payload instanceof byte[] b) {
            bytes = b;
        } else if (payload instanceof Buffer b) {
            bytes = b.getBytes();
        } else if (payload instanceof JsonObject o) {
            bytes = o.toBuffer().getBytes();
        } else if (payload instanceof JsonArray a) {
            bytes = a.toBuffer().getBytes();
        } else if (payload instanceof String s) {
            bytes = s.getBytes(StandardCharsets.UTF_8);
        } else {
            throw new IOException("unsupported payload type " + (payload == null ? "null" : payload.getClass().getName()));
        }
        return bytes;
    }
}
