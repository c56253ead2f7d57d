package org.amihes.polling.mdms;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The MQTT framing under the Vert.x MQTT client polling-service publishes with (and the tests subscribe with): a packet
 * whose variable header arrives in two TCP reads must be decoded once the rest came. Netty 4.1.133's decoder rejected it
 * as "message length exceeds 1048576: 433" (TooLongFrameException; the client then closes the connection): the
 * publisher lost its connection on a PUBACK split between reads, and a subscriber its clean session with what was
 * queued in it. MdmsPublicationTest saw it on CI (4 of 12 intervals never arrived) and in 2 of 60 loaded repetitions.
 * The packets are built byte by byte from the MQTT 3.1.1 specification (2.2, 3.3, 3.4), not by the codec under test.
 */
class MqttFramingTest {

    /** What the Vert.x MQTT client installs: {@code new MqttDecoder(maxMessageSize)}; polling-service's default 8092. */
    private static EmbeddedChannel decoder(int maxMessageSize) {
        return new EmbeddedChannel(new MqttDecoder(maxMessageSize));
    }

    @Test
    void aPubackSplitInsideItsPacketIdentifierIsDecodedWhenTheRestArrives() {
        EmbeddedChannel channel = decoder(8092);
        // PUBACK: type 4 << 4, remaining length 2, packet identifier 0x01F5 (501)
        channel.writeInbound(bytes(0x40, 0x02, 0x01));
        assertThat((Object) channel.readInbound()).as("nothing decoded before the last byte").isNull();
        channel.writeInbound(bytes(0xF5));
        MqttMessage puback = channel.readInbound();
        assertThat(puback.decoderResult().isSuccess()).as(String.valueOf(puback.decoderResult().cause())).isTrue();
        assertThat(puback.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBACK);
        assertThat(((MqttMessageIdVariableHeader) puback.variableHeader()).messageId()).isEqualTo(501);
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void aPublishSplitInsideItsTopicIsDecodedWhenTheRestArrives() {
        EmbeddedChannel channel = decoder(1 << 20);
        String topic = "hes-test/amihes_test/readings/interval/MD56b888P-3";
        byte[] payload = "{\"meterId\":\"MD56b888P-3\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        int remaining = 2 + name.length + 2 + payload.length;
        ByteBuf packet = Unpooled.buffer();
        packet.writeByte(0x32); // PUBLISH, QoS 1
        packet.writeByte(remaining); // < 128: one byte of remaining length
        packet.writeShort(name.length).writeBytes(name);
        packet.writeShort(7); // packet identifier
        packet.writeBytes(payload);
        int split = 2 + 2 + 10; // fixed header, topic length and the first ten characters of the topic
        channel.writeInbound(packet.retainedSlice(0, split));
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeInbound(packet.retainedSlice(split, packet.readableBytes() - split));
        MqttPublishMessage publish = channel.readInbound();
        assertThat(publish.decoderResult().isSuccess()).as(String.valueOf(publish.decoderResult().cause())).isTrue();
        assertThat(publish.variableHeader().topicName()).isEqualTo(topic);
        assertThat(publish.variableHeader().packetId()).isEqualTo(7);
        assertThat(publish.payload().toString(StandardCharsets.US_ASCII)).isEqualTo(new String(payload, StandardCharsets.US_ASCII));
        publish.release();
        packet.release();
    }

    private static ByteBuf bytes(int... values) {
        ByteBuf b = Unpooled.buffer(values.length);
        for (int v : values) {
            b.writeByte(v);
        }
        return b;
    }
}
