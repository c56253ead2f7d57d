package org.amihes.dlms.capture;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Instant;

/**
 * A classic libpcap file (magic a1b2c3d4, version 2.4, link type Ethernet) built in memory from the bytes a session
 * sent and received. The Ethernet, IP (v4 or v6) and TCP or UDP headers are made up around them, with the
 * socket's real addresses and ports, checksums, and sequence and acknowledgement numbers that follow the bytes, so
 * Wireshark reassembles the stream. A TCP stream opens with SYN, SYN-ACK, ACK and ends with FIN from both sides.
 * <p>
 * Bounded: a packet that would take the file past {@code maxBytes} is left out, and so is every later one (a hole
 * would only confuse reassembly); {@link #droppedPackets()} says how many.
 */
final class PcapWriter {

    static final int GLOBAL_HEADER = 24;
    static final int RECORD_HEADER = 16;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int MAX_SEGMENT = 65_000;
    private static final byte[] HEAD_END_MAC = {0x02, 0, 0, 0, 0, 0x01};
    private static final byte[] METER_MAC = {0x02, 0, 0, 0, 0, 0x02};
    private static final int SYN = 0x02, ACK = 0x10, PSH = 0x08, FIN = 0x01;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final long maxBytes;
    private final Clock clock;
    private long dropped;

    PcapWriter(long maxBytes, Clock clock) {
        this.maxBytes = maxBytes;
        this.clock = clock;
        ByteBuffer h = ByteBuffer.allocate(GLOBAL_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65_535)
                .putInt(LINKTYPE_ETHERNET);
        out.writeBytes(h.array());
    }

    /** One conversation between the head-end's socket and the meter's. */
    final class Stream {
        private final byte[] local;
        private final byte[] remote;
        private final int localPort;
        private final int remotePort;
        private final boolean udp;
        private long localSeq = 0x1000_0000L;
        private long remoteSeq = 0x2000_0000L;

        Stream(InetAddress local, int localPort, InetAddress remote, int remotePort, boolean udp) {
            InetAddress l = local;
            if (l.getAddress().length != remote.getAddress().length) {
                l = remote; // a v4 socket seen through a v6 one, or the reverse: keep the headers consistent
            }
            this.local = l.getAddress();
            this.remote = remote.getAddress();
            this.localPort = localPort;
            this.remotePort = remotePort;
            this.udp = udp;
            if (!udp) {
                tcp(true, SYN, new byte[0], 0, 0);
                localSeq++;
                tcp(false, SYN | ACK, new byte[0], 0, 0);
                remoteSeq++;
                tcp(true, ACK, new byte[0], 0, 0);
            }
        }

        void data(boolean fromHeadEnd, byte[] bytes) {
            int off = 0;
            do {
                int n = Math.min(MAX_SEGMENT, bytes.length - off);
                if (udp) {
                    udp(fromHeadEnd, bytes, off, n);
                } else {
                    tcp(fromHeadEnd, PSH | ACK, bytes, off, n);
                    if (fromHeadEnd) {
                        localSeq += n;
                    } else {
                        remoteSeq += n;
                    }
                }
                off += n;
            } while (off < bytes.length);
        }

        void close() {
            if (udp) {
                return;
            }
            tcp(true, FIN | ACK, new byte[0], 0, 0);
            localSeq++;
            tcp(false, FIN | ACK, new byte[0], 0, 0);
            remoteSeq++;
            tcp(true, ACK, new byte[0], 0, 0);
        }

        private void tcp(boolean fromHeadEnd, int flags, byte[] data, int off, int n) {
            ByteBuffer t = ByteBuffer.allocate(20 + n);
            t.putShort((short) (fromHeadEnd ? localPort : remotePort)).putShort((short) (fromHeadEnd ? remotePort : localPort))
                    .putInt((int) (fromHeadEnd ? localSeq : remoteSeq))
                    .putInt((flags & ACK) == 0 ? 0 : (int) (fromHeadEnd ? remoteSeq : localSeq))
                    .put((byte) 0x50).put((byte) flags).putShort((short) 65_535).putShort((short) 0).putShort((short) 0)
                    .put(data, off, n);
            packet(fromHeadEnd, 6, t.array());
        }

        private void udp(boolean fromHeadEnd, byte[] data, int off, int n) {
            ByteBuffer u = ByteBuffer.allocate(8 + n);
            u.putShort((short) (fromHeadEnd ? localPort : remotePort)).putShort((short) (fromHeadEnd ? remotePort : localPort))
                    .putShort((short) (8 + n)).putShort((short) 0).put(data, off, n);
            packet(fromHeadEnd, 17, u.array());
        }

        /** IP and Ethernet around a transport segment, its checksum filled in (over the pseudo-header). */
        private void packet(boolean fromHeadEnd, int protocol, byte[] segment) {
            byte[] src = fromHeadEnd ? local : remote;
            byte[] dst = fromHeadEnd ? remote : local;
            boolean v6 = src.length == 16;
            int checksumAt = protocol == 6 ? 16 : 6;
            long sum = sum(src, 0, src.length) + sum(dst, 0, dst.length) + protocol + segment.length
                    + sum(segment, 0, segment.length);
            int checksum = fold(sum);
            if (protocol == 17 && checksum == 0) {
                checksum = 0xFFFF;
            }
            segment[checksumAt] = (byte) (checksum >> 8);
            segment[checksumAt + 1] = (byte) checksum;
            ByteBuffer p = ByteBuffer.allocate(14 + (v6 ? 40 : 20) + segment.length);
            p.put(fromHeadEnd ? METER_MAC : HEAD_END_MAC).put(fromHeadEnd ? HEAD_END_MAC : METER_MAC)
                    .putShort((short) (v6 ? 0x86DD : 0x0800));
            if (v6) {
                p.putInt(0x6000_0000).putShort((short) segment.length).put((byte) protocol).put((byte) 64).put(src).put(dst);
            } else {
                int ipStart = p.position();
                p.put((byte) 0x45).put((byte) 0).putShort((short) (20 + segment.length)).putShort((short) 0)
                        .putShort((short) 0x4000).put((byte) 64).put((byte) protocol).putShort((short) 0).put(src).put(dst);
                byte[] a = p.array();
                int ipChecksum = fold(sum(a, ipStart, 20));
                a[ipStart + 10] = (byte) (ipChecksum >> 8);
                a[ipStart + 11] = (byte) ipChecksum;
            }
            p.put(segment);
            record(p.array());
        }
    }

    private void record(byte[] frame) {
        if (dropped > 0 || out.size() + RECORD_HEADER + frame.length > maxBytes) {
            dropped++;
            return;
        }
        Instant now = clock.instant();
        ByteBuffer r = ByteBuffer.allocate(RECORD_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        r.putInt((int) now.getEpochSecond()).putInt(now.getNano() / 1000).putInt(frame.length).putInt(frame.length);
        out.writeBytes(r.array());
        out.writeBytes(frame);
    }

    /** Ones' complement sum of 16-bit big-endian words (an odd last byte padded with zero), not yet folded. */
    private static long sum(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            s += ((b[off + i] & 0xFF) << 8) | (b[off + i + 1] & 0xFF);
        }
        if ((len & 1) != 0) {
            s += (b[off + len - 1] & 0xFF) << 8;
        }
        return s;
    }

    private static int fold(long sum) {
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    long droppedPackets() {
        return dropped;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    int size() {
        return out.size();
    }
}
