package org.amihes.dlms.capture;

import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import org.amihes.dlms.transport.TransportKind;

/**
 * What one meter's links carried: {@link WireStats} always (a few operations per read), and, when asked for, a
 * pcap of every link (see {@link PcapWriter}) bounded to a size. Links may be opened on different event loops one
 * after another, hence the locking; there is no contention (one association with a meter at a time).
 */
public final class WireCapture implements LinkTaps {

    /** The default bound of a recorded pcap: 8 MiB per meter. */
    public static final long DEFAULT_MAX_PCAP_BYTES = 8L << 20;

    private final PcapWriter pcap;
    private long links;
    private long segments;
    private long payloadBytes;
    private long frames;
    private long apduBytes;
    private long ipHeaderBytes;

    private WireCapture(PcapWriter pcap) {
        this.pcap = pcap;
    }

    /** Counts only. */
    public static WireCapture counting() {
        return new WireCapture(null);
    }

    /** Counts and records a pcap of at most {@code maxBytes} (the 24-byte file header included). */
    public static WireCapture recording(long maxBytes) {
        if (maxBytes < PcapWriter.GLOBAL_HEADER) {
            throw new IllegalArgumentException("maxBytes must be at least " + PcapWriter.GLOBAL_HEADER);
        }
        return new WireCapture(new PcapWriter(maxBytes, Clock.systemUTC()));
    }

    public boolean records() {
        return pcap != null;
    }

    @Override
    public synchronized LinkTap opened(TransportKind kind, SocketAddress local, SocketAddress remote) {
        links++;
        boolean udp = kind == TransportKind.UDP_WRAPPER;
        boolean hdlc = kind == TransportKind.TCP_HDLC;
        PcapWriter.Stream stream = pcap == null ? null : stream(local, remote, udp);
        return new Tap(new FrameCounter(hdlc), new FrameCounter(hdlc), stream, udp);
    }

    private PcapWriter.Stream stream(SocketAddress local, SocketAddress remote, boolean udp) {
        try {
            InetAddress r = InetAddress.getByName(remote == null ? "0.0.0.0" : remote.hostAddress());
            InetAddress l = InetAddress.getByName(local == null ? "0.0.0.0" : local.hostAddress());
            return pcap.new Stream(l, local == null ? 0 : local.port(), r, remote == null ? 0 : remote.port(), udp);
        } catch (UnknownHostException e) {
            return null; // addresses from sockets are literal: not reached
        }
    }

    public synchronized WireStats stats() {
        return new WireStats(links, segments, payloadBytes, frames, apduBytes, ipHeaderBytes);
    }

    /** The pcap file so far; null when not recording. */
    public synchronized byte[] pcap() {
        return pcap == null ? null : pcap.bytes();
    }

    /** Packets left out of the pcap because it reached its bound (0 when complete). */
    public synchronized long pcapDroppedPackets() {
        return pcap == null ? 0 : pcap.droppedPackets();
    }

    private final class Tap implements LinkTap {
        private final FrameCounter out;
        private final FrameCounter in;
        private final PcapWriter.Stream stream;
        private final int headers;

        Tap(FrameCounter out, FrameCounter in, PcapWriter.Stream stream, boolean udp) {
            this.out = out;
            this.in = in;
            this.stream = stream;
            this.headers = udp ? 28 : 40;
        }

        @Override
        public void sent(byte[] bytes) {
            count(out, bytes);
            if (stream != null) {
                synchronized (WireCapture.this) {
                    stream.data(true, bytes);
                }
            }
        }

        @Override
        public void received(byte[] bytes) {
            count(in, bytes);
            if (stream != null) {
                synchronized (WireCapture.this) {
                    stream.data(false, bytes);
                }
            }
        }

        private void count(FrameCounter counter, byte[] bytes) {
            synchronized (WireCapture.this) {
                long framesBefore = counter.frames;
                long apduBefore = counter.apduBytes;
                counter.accept(bytes);
                segments++;
                payloadBytes += bytes.length;
                ipHeaderBytes += headers;
                frames += counter.frames - framesBefore;
                apduBytes += counter.apduBytes - apduBefore;
            }
        }

        @Override
        public void closed() {
            if (stream != null) {
                synchronized (WireCapture.this) {
                    stream.close();
                }
            }
        }
    }
}
