package org.amihes.dlms.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.amihes.dlms.transport.TransportKind;
import org.junit.jupiter.api.Test;

/** The pcap's own structure (libpcap file format) and its bound; what it dissects to is CaptureDissectorIT's job. */
class WireCaptureTest {

    private static final SocketAddress HEAD_END = SocketAddress.inetSocketAddress(40001, "127.0.0.1");
    private static final SocketAddress METER = SocketAddress.inetSocketAddress(4059, "127.0.0.2");

    @Test
    void aTcpLinkIsAHandshakeItsDataAndTwoFins() {
        WireCapture capture = WireCapture.recording(WireCapture.DEFAULT_MAX_PCAP_BYTES);
        LinkTap tap = capture.opened(TransportKind.TCP_WRAPPER, HEAD_END, METER);
        tap.sent(new byte[] {0, 1, 0, 0x10, 0, 1, 0, 2, (byte) 0xC0, 1});
        tap.received(new byte[] {0, 1, 0, 1, 0, 0x10, 0, 3, (byte) 0xC4, 1, 0});
        tap.closed();
        ByteBuffer pcap = ByteBuffer.wrap(capture.pcap()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(pcap.getInt(0)).isEqualTo(0xa1b2c3d4);
        assertThat(pcap.getShort(4)).isEqualTo((short) 2);
        assertThat(pcap.getShort(6)).isEqualTo((short) 4);
        assertThat(pcap.getInt(20)).isEqualTo(1); // Ethernet
        int packets = 0;
        int at = 24;
        int[] payloads = new int[8];
        while (at < pcap.limit()) {
            int length = pcap.getInt(at + 8);
            // Ethernet 14 + IPv4 20 + TCP 20: the payload is what is left
            payloads[packets++] = length - 54;
            at += 16 + length;
        }
        assertThat(at).isEqualTo(pcap.limit());
        // SYN, SYN-ACK, ACK, request, answer, FIN, FIN, ACK
        assertThat(packets).isEqualTo(8);
        assertThat(payloads).containsExactly(0, 0, 0, 10, 11, 0, 0, 0);
        WireStats stats = capture.stats();
        assertThat(stats.payloadBytes()).isEqualTo(21);
        assertThat(stats.apduBytes()).isEqualTo(5);
        assertThat(stats.frames()).isEqualTo(2);
        assertThat(stats.ipHeaderBytes()).isEqualTo(80);
    }

    @Test
    void thePcapStaysWithinItsBoundAndSaysWhatItLeftOut() {
        WireCapture capture = WireCapture.recording(4096);
        LinkTap tap = capture.opened(TransportKind.TCP_WRAPPER, HEAD_END, METER);
        for (int i = 0; i < 10_000; i++) {
            tap.sent(new byte[] {0, 1, 0, 0x10, 0, 1, 0, 1, (byte) 0xC0});
        }
        assertThat(capture.pcap().length).isLessThanOrEqualTo(4096);
        assertThat(capture.pcapDroppedPackets()).isPositive();
        assertThat(capture.stats().frames()).isEqualTo(10_000); // counting goes on past the bound
    }

    @Test
    void countingOnlyKeepsNoPcap() {
        WireCapture capture = WireCapture.counting();
        LinkTap tap = capture.opened(TransportKind.UDP_WRAPPER, HEAD_END, METER);
        tap.sent(new byte[] {0, 1, 0, 0x10, 0, 1, 0, 1, (byte) 0xC0});
        assertThat(capture.pcap()).isNull();
        assertThat(capture.stats().ipHeaderBytes()).isEqualTo(28);
    }
}
