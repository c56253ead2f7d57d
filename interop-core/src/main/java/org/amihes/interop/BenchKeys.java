package org.amihes.interop;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.SecuritySettings;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.transport.TransportKind;

/**
 * The management association of the meter on the bench, from the key delivery file its vendor sent (the format
 * security-service imports and the simulator's {@code --keys-out} writes; see the README, "Key delivery file"). The
 * meter's record is found by its {@code meterId} or its {@code systemTitle} (hex, or the title's ASCII). Keys stay
 * in memory for the probe's length; no message names a key.
 */
final class BenchKeys {

    private BenchKeys() {
    }

    static SessionSettings management(Path file, String meter, String host, int port, TransportKind transport,
                                      Integer clientAddress, int logicalDevice, Duration timeout, int pdu,
                                      AuthenticationLevel wanted) throws IOException {
        JsonObject root;
        try {
            root = new JsonObject(Files.readString(file));
        } catch (DecodeException e) {
            throw new IllegalArgumentException(file + ": not a key delivery file (" + e.getMessage() + ")");
        }
        JsonObject record = find(root.getJsonArray("meters", new JsonArray()), meter);
        if (record == null) {
            throw new IllegalArgumentException(file + " has no meter '" + meter + "' (by meterId or systemTitle)");
        }
        AuthenticationLevel level = AuthenticationLevel.valueOf(record.getString("authentication", "NONE"));
        boolean high = level.ordinal() > AuthenticationLevel.LOW.ordinal();
        if (wanted != null && (wanted == AuthenticationLevel.LOW ? level != AuthenticationLevel.LOW : !high)) {
            throw new IllegalArgumentException("--auth-level " + (wanted == AuthenticationLevel.LOW ? "low" : "high")
                    + " but the key delivery declares " + level + " for " + meter);
        }
        HexFormat hex = HexFormat.of();
        if (level == AuthenticationLevel.LOW) {
            return new SessionSettings(host, port, transport, clientAddress == null ? 32 : clientAddress, logicalDevice,
                    level, record.getString("llsPassword"), timeout, pdu, null);
        }
        int suite = record.getInteger("securitySuite", 0);
        JsonObject headEnd = root.getJsonObject("headEnd", new JsonObject());
        KeyPair headEndSigning = null;
        PublicKey meterSigning = null;
        if (level == AuthenticationLevel.HIGH_ECDSA) {
            headEndSigning = new KeyPair(publicKey(headEnd.getString("suite" + suite + "SigningPublicKey")),
                    privateKey(headEnd.getString("suite" + suite + "SigningPrivateKey")));
            meterSigning = publicKey(record.getString("signingPublicKey"));
        }
        String hls = record.getString("hlsSecret");
        SecuritySettings security = new SecuritySettings(suite,
                SecuritySettings.SecurityPolicy.valueOf(record.getString("securityPolicy", "NONE")),
                hex.parseHex(headEnd.getString("systemTitle", "")), hex.parseHex(record.getString("blockCipherKey", "")),
                hex.parseHex(record.getString("authenticationKey", "")), null, 0, headEndSigning, meterSigning,
                level == AuthenticationLevel.HIGH_SHA256 && hls != null ? hex.parseHex(hls) : null);
        return new SessionSettings(host, port, transport, clientAddress == null ? (level == AuthenticationLevel.NONE ? 16 : 1)
                : clientAddress, logicalDevice, level, null, timeout, pdu, security);
    }

    private static JsonObject find(JsonArray meters, String meter) {
        String asHex = HexFormat.of().formatHex(meter.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (int i = 0; i < meters.size(); i++) {
            JsonObject m = meters.getJsonObject(i);
            String title = m.getString("systemTitle", "").toLowerCase(Locale.ROOT);
            if (meter.equals(m.getString("meterId")) || title.equalsIgnoreCase(meter) || title.startsWith(asHex)) {
                return m;
            }
        }
        return null;
    }

    private static PublicKey publicKey(String b64) {
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
        } catch (Exception e) {
            throw new IllegalArgumentException("an ECDSA public key of the key delivery does not parse ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static java.security.PrivateKey privateKey(String b64) {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
        } catch (Exception e) {
            throw new IllegalArgumentException("the head-end's ECDSA private key of the key delivery does not parse ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
