package org.amihes.security.keys;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The secrets of one key version of a meter, in memory only between the HSM and the wire. {@link #encode} is what the
 * HSM wraps. {@link #toString()} never shows a key.
 *
 * @param blockCipherKey    global unicast encryption key (16 bytes, 32 for suite 2)
 * @param authenticationKey global authentication key (same length)
 * @param masterKey         the meter's key-encryption key (KEK), wraps keys sent in key_transfer
 * @param hlsSecret         HLS-SHA256 shared secret, null when the meter has none
 * @param llsPassword       LLS secret, null when the meter has none
 */
public record SecretKeys(byte[] blockCipherKey, byte[] authenticationKey, byte[] masterKey, byte[] hlsSecret,
                         byte[] llsPassword) {

    private static final int FORMAT = 1;

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(FORMAT);
        for (byte[] field : new byte[][] {blockCipherKey, authenticationKey, masterKey, hlsSecret, llsPassword}) {
            int length = field == null ? 0xFFFF : field.length;
            out.write(length >> 8);
            out.write(length);
            if (field != null) {
                out.writeBytes(field);
            }
        }
        return out.toByteArray();
    }

    public static SecretKeys decode(byte[] encoded) {
        ByteBuffer in = ByteBuffer.wrap(encoded);
        if (in.get() != FORMAT) {
            throw new IllegalArgumentException("unknown format of stored key material");
        }
        byte[][] fields = new byte[5][];
        for (int i = 0; i < fields.length; i++) {
            int length = Short.toUnsignedInt(in.getShort());
            if (length != 0xFFFF) {
                fields[i] = new byte[length];
                in.get(fields[i]);
            }
        }
        return new SecretKeys(fields[0], fields[1], fields[2], fields[3], fields[4]);
    }

    public String llsPasswordText() {
        return llsPassword == null ? null : new String(llsPassword, StandardCharsets.US_ASCII);
    }

    /** The same secrets (what a repeated import of the same delivery must find). */
    public boolean sameAs(SecretKeys other) {
        return Arrays.equals(blockCipherKey, other.blockCipherKey) && Arrays.equals(authenticationKey, other.authenticationKey)
                && Arrays.equals(masterKey, other.masterKey) && Arrays.equals(hlsSecret, other.hlsSecret)
                && Arrays.equals(llsPassword, other.llsPassword);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretKeys other && sameAs(other);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(blockCipherKey);
    }

    @Override
    public String toString() {
        return "SecretKeys[(not shown)]";
    }
}
