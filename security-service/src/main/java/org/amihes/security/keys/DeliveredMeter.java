package org.amihes.security.keys;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.amihes.security.domain.Authentication;
import org.amihes.security.domain.SecurityPolicy;
import org.amihes.service.registry.MeterGroup;

/**
 * One meter of a key delivery file (schema: README, "Key delivery file"). Hex strings are case-insensitive.
 * {@link #problems} checks what depends on the suite and mechanism; messages name fields, never values.
 */
public record DeliveredMeter(
        @NotNull @Pattern(regexp = MeterGroup.ID, message = "must be 1-64 letters, digits, '.', '_' or '-'")
        String meterId,
        @NotNull @Pattern(regexp = "[0-9A-Fa-f]{16}", message = "must be 16 hex digits (8 bytes)") String systemTitle,
        @NotNull Authentication authentication,
        @NotNull @Min(0) @Max(2) Integer securitySuite,
        @NotNull SecurityPolicy securityPolicy,
        @NotNull @Pattern(regexp = HEX_KEY, message = KEY_MESSAGE) String blockCipherKey,
        @NotNull @Pattern(regexp = HEX_KEY, message = KEY_MESSAGE) String authenticationKey,
        @NotNull @Pattern(regexp = HEX_KEY, message = KEY_MESSAGE) String masterKey,
        @Pattern(regexp = "([0-9A-Fa-f]{2}){8,64}", message = "must be 8 to 64 bytes in hex") String hlsSecret,
        @Size(min = 1, max = 64) @Pattern(regexp = "\\p{Print}*", message = "must be printable ASCII") String llsPassword,
        @Pattern(regexp = "[A-Za-z0-9+/=]{40,400}", message = "must be an X.509 public key in base64") String signingPublicKey) {

    static final String HEX_KEY = "[0-9A-Fa-f]{32}|[0-9A-Fa-f]{64}";
    static final String KEY_MESSAGE = "must be a 16-byte (suites 0, 1) or 32-byte (suite 2) key in hex";

    /** What the fields say together: key lengths for the suite, the secret the mechanism needs, the public key. */
    public List<String[]> problems() {
        List<String[]> out = new ArrayList<>();
        int length = securitySuite == 2 ? 64 : 32;
        for (String[] key : new String[][] {{"blockCipherKey", blockCipherKey}, {"authenticationKey", authenticationKey},
                {"masterKey", masterKey}}) {
            if (key[1].length() != length) {
                out.add(new String[] {key[0], "must be " + length / 2 + " bytes for security suite " + securitySuite});
            }
        }
        if (authentication == Authentication.HIGH_SHA256 && hlsSecret == null) {
            out.add(new String[] {"hlsSecret", "is required for HIGH_SHA256"});
        }
        if (authentication == Authentication.LOW && llsPassword == null) {
            out.add(new String[] {"llsPassword", "is required for LOW (LLS)"});
        }
        if (authentication == Authentication.HIGH_ECDSA && securitySuite == 0) {
            out.add(new String[] {"securitySuite", "HIGH_ECDSA needs security suite 1 or 2"});
        }
        if (securitySuite > 0) {
            if (signingPublicKey == null) {
                out.add(new String[] {"signingPublicKey", "is required for security suite " + securitySuite});
            } else {
                String curve = EcKeys.curveOf(signingPublicKey);
                String expected = securitySuite == 2 ? EcKeys.P384 : EcKeys.P256;
                if (!expected.equals(curve)) {
                    out.add(new String[] {"signingPublicKey", curve == null ? "is not an EC public key (X.509, base64)"
                            : "is on " + curve + ", security suite " + securitySuite + " needs " + expected});
                }
            }
        }
        return out;
    }

    MeterKeys toKeys() {
        HexFormat hex = HexFormat.of();
        return new MeterKeys(meterId, 0, KeyState.ACTIVE, hex.parseHex(systemTitle), authentication, securitySuite,
                securityPolicy, signingPublicKey == null ? null : java.util.Base64.getDecoder().decode(signingPublicKey),
                new SecretKeys(hex.parseHex(blockCipherKey), hex.parseHex(authenticationKey), hex.parseHex(masterKey),
                        hlsSecret == null ? null : hex.parseHex(hlsSecret),
                        llsPassword == null ? null : llsPassword.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Never shows a key. */
    @Override
    public String toString() {
        return "DeliveredMeter[" + meterId + "]";
    }
}
