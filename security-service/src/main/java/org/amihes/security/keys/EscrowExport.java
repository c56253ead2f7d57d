package org.amihes.security.keys;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.amihes.security.hsm.Hsm;

/**
 * Key escrow: meters' keys (every version, RETIRED included) written out wrapped under a key the operator supplies,
 * AES key wrap with padding (RFC 5649, {@code AES/KWP/NoPadding}), so the file is useless without that key. Streams:
 * 100,000 meters never sit in memory at once. Each exported meter gets a key event.
 */
@ApplicationScoped
public class EscrowExport {

    private static final int CHUNK = 1000;

    private final Hsm hsm;
    private final KeyStore store;
    private final JsonFactory json = new JsonFactory();

    public EscrowExport(Hsm hsm, KeyStore store) {
        this.hsm = hsm;
        this.store = store;
    }

    /** The key check value of an AES key: the first 3 bytes of AES-ECB(key, 16 zero bytes), hex (a common KCV). */
    public static String checkValue(byte[] key) {
        try {
            Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            return HexFormat.of().formatHex(ecb.doFinal(new byte[16]), 0, 3);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the export of {@code meterIds} to {@code out}; meters without keys are listed under "missing". */
    public void write(List<String> meterIds, byte[] operatorKey, String actor, OutputStream out)
            throws IOException, SQLException {
        SecretKey kek = new SecretKeySpec(operatorKey, "AES");
        List<String> missing = new ArrayList<>();
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("format", "amihes-key-escrow/1");
            g.writeStringField("wrapping", "AES-" + operatorKey.length * 8 + " key wrap with padding (RFC 5649) under "
                    + "the operator's key; the LLS password wrapped as its ASCII bytes");
            g.writeStringField("operatorKeyCheckValue", checkValue(operatorKey));
            g.writeArrayFieldStart("meters");
            for (int from = 0; from < meterIds.size(); from += CHUNK) {
                List<String> chunk = meterIds.subList(from, Math.min(meterIds.size(), from + CHUNK));
                Map<String, List<KeyStore.Row>> rows = store.all(chunk);
                List<KeyStore.Event> events = new ArrayList<>();
                for (String id : chunk) {
                    List<KeyStore.Row> versions = rows.get(id);
                    if (versions == null) {
                        missing.add(id);
                        continue;
                    }
                    for (KeyStore.Row row : versions) {
                        writeVersion(g, row, kek);
                        events.add(new KeyStore.Event(actor, "EXPORTED", id, row.version(),
                                "escrow export under operator key " + checkValue(operatorKey)));
                    }
                }
                store.events(events);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("missing");
            for (String id : missing) {
                g.writeString(id);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private void writeVersion(JsonGenerator g, KeyStore.Row row, SecretKey kek) throws IOException {
        SecretKeys s = SecretKeys.decode(hsm.unwrap(row.wrapped(), MeterKeys.context(row.meterId(), row.version())));
        HexFormat hex = HexFormat.of();
        g.writeStartObject();
        g.writeStringField("meterId", row.meterId());
        g.writeNumberField("version", row.version());
        g.writeStringField("state", row.state().name());
        g.writeStringField("systemTitle", hex.formatHex(row.systemTitle()));
        g.writeStringField("authentication", row.authentication().name());
        g.writeNumberField("securitySuite", row.securitySuite());
        g.writeStringField("securityPolicy", row.securityPolicy().name());
        if (row.signingPublicKey() != null) {
            g.writeStringField("signingPublicKey", Base64.getEncoder().encodeToString(row.signingPublicKey()));
        }
        field(g, "blockCipherKey", s.blockCipherKey(), kek);
        field(g, "authenticationKey", s.authenticationKey(), kek);
        field(g, "masterKey", s.masterKey(), kek);
        field(g, "hlsSecret", s.hlsSecret(), kek);
        field(g, "llsPassword", s.llsPassword(), kek);
        g.writeEndObject();
    }

    private static void field(JsonGenerator g, String name, byte[] secret, SecretKey kek) throws IOException {
        if (secret == null) {
            return;
        }
        try {
            Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
            kwp.init(Cipher.WRAP_MODE, kek);
            g.writeStringField(name, Base64.getEncoder().encodeToString(kwp.wrap(new SecretKeySpec(secret, "RAW"))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot wrap " + name + " for escrow: " + e.getMessage(), e);
        }
    }
}
