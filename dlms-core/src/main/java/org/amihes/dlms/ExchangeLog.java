package org.amihes.dlms;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The last frames of a session, kept so that a failure can be proven afterwards. Bounded (old frames drop) and
 * lazy: frames are kept as bytes and turned into hex only when a failure asks for them.
 */
final class ExchangeLog {

    private static final int MAX_FRAMES = 32;
    private static final int MAX_BYTES_PER_FRAME = 2048;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final byte[][] frames = new byte[MAX_FRAMES][];
    private final boolean[] sent = new boolean[MAX_FRAMES];
    private int count;
    private long bytes;

    void sent(byte[] frame) {
        add(true, frame);
    }

    /** {@code bytes} must not be changed afterwards by the caller (Vert.x buffers hand out fresh copies). */
    void received(byte[] bytes) {
        add(false, bytes);
    }

    private void add(boolean tx, byte[] bytes) {
        this.bytes += bytes.length;
        int slot = count % MAX_FRAMES;
        frames[slot] = bytes;
        sent[slot] = tx;
        count++;
    }

    /** Bytes sent and received so far, every frame counted (not only the frames kept). */
    long bytes() {
        return bytes;
    }

    /** The last frame received from the meter, whole; null if none. */
    byte[] lastReceived() {
        for (int i = count - 1; i >= Math.max(0, count - MAX_FRAMES); i--) {
            if (!sent[i % MAX_FRAMES]) {
                return frames[i % MAX_FRAMES];
            }
        }
        return null;
    }

    List<String> snapshot() {
        int kept = Math.min(count, MAX_FRAMES);
        List<String> out = new ArrayList<>(kept);
        for (int i = count - kept; i < count; i++) {
            byte[] b = frames[i % MAX_FRAMES];
            String hex = b.length > MAX_BYTES_PER_FRAME
                    ? HEX.formatHex(b, 0, MAX_BYTES_PER_FRAME) + "...(" + b.length + " bytes)"
                    : HEX.formatHex(b);
            out.add((sent[i % MAX_FRAMES] ? "TX " : "RX ") + hex);
        }
        return out;
    }
}
