package org.amihes.dlms;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The last frames of a session, kept so that a failure can be proven afterwards. Bounded: old frames drop. */
final class ExchangeLog {

    private static final int MAX_FRAMES = 32;
    private static final int MAX_BYTES_PER_FRAME = 2048;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final ArrayDeque<String> frames = new ArrayDeque<>();

    void sent(byte[] frame) {
        add("TX ", frame);
    }

    void received(byte[] bytes) {
        add("RX ", bytes);
    }

    private void add(String direction, byte[] bytes) {
        if (frames.size() == MAX_FRAMES) {
            frames.removeFirst();
        }
        String hex = bytes.length > MAX_BYTES_PER_FRAME
                ? HEX.formatHex(bytes, 0, MAX_BYTES_PER_FRAME) + "...(" + bytes.length + " bytes)"
                : HEX.formatHex(bytes);
        frames.addLast(direction + hex);
    }

    List<String> snapshot() {
        return new ArrayList<>(frames);
    }
}
