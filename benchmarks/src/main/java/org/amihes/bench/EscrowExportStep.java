package org.amihes.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.amihes.service.testing.TestTokens;
import org.amihes.simulator.Fleet;

/**
 * The secured run's escrow export at fleet scale: {@code POST /keys/export} of every meter of the fleet (one request,
 * the escrow officer's token, a fresh operator key), the streamed answer timed and sized, and every exported block
 * cipher key unwrapped under the operator's key (RFC 5649) and compared with the simulator's key for that meter (the
 * fleet's model, not the service's word). Beside it, the same number of HSM unwraps and software key wraps
 * ({@link HsmWrapBaseline#exportFloorNanos}), so the export reads as a ratio to what the cryptography alone costs.
 */
final class EscrowExportStep {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EscrowExportStep() {
    }

    /** What the step found; {@code problem} null when every meter's key came back as the fleet holds it. */
    record Outcome(String line, String problem) {
    }

    static Outcome run(HttpClient http, String securityUrl, Fleet fleet, List<String> meterIds, Path dir,
                       boolean baseline) throws Exception {
        byte[] operatorKey = new byte[32];
        new SecureRandom().nextBytes(operatorKey);
        String body = JSON.writeValueAsString(Map.of("meterIds", meterIds, "wrappingKey",
                HexFormat.of().formatHex(operatorKey)));
        Path answer = dir.resolve("escrow-export.json");
        long t0 = System.nanoTime();
        HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(securityUrl + "/keys/export"))
                .header("Authorization", "Bearer " + TestTokens.user("escrow-officer"))
                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofFile(answer));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST /keys/export answered " + r.statusCode() + ": "
                    + Files.readString(answer));
        }
        long bytes = Files.size(answer);
        int[] counts = check(answer, fleet, operatorKey); // exported versions, keys as the fleet holds them, missing
        Files.delete(answer); // key material, even if simulated and wrapped
        String problem = counts[0] == meterIds.size() && counts[1] == meterIds.size() && counts[2] == 0 ? null
                : String.format(Locale.ROOT, "escrow export: %d versions for %d meters, %d keys as the fleet holds them, "
                        + "%d missing", counts[0], meterIds.size(), counts[1], counts[2]);
        String line = String.format(Locale.ROOT, "escrow export (`POST /keys/export`, one request for the %d meters, "
                        + "streamed): %.1f s, %.0f meters/s, %.1f MiB; %d of %d exported block cipher keys unwrap under the "
                        + "operator's key to the simulator's key of their meter, %d missing",
                meterIds.size(), seconds, meterIds.size() / seconds, bytes / 1024.0 / 1024.0, counts[1], meterIds.size(),
                counts[2]);
        if (baseline) {
            long floor = HsmWrapBaseline.exportFloorNanos(meterIds.size(), 96, 4);
            line += String.format(Locale.ROOT, "; baseline beside it: %d HSM unwraps (AES-256-GCM, 96 bytes) and 4 "
                            + "software key wraps each, one thread, nothing else: %.1f s; the export took **%.2f×** that",
                    meterIds.size(), floor / 1e9, seconds / (floor / 1e9));
        }
        return new Outcome(line, problem);
    }

    /** [versions exported, block cipher keys equal to the fleet's, meters listed missing]. */
    private static int[] check(Path answer, Fleet fleet, byte[] operatorKey) throws Exception {
        Key kek = new SecretKeySpec(operatorKey, "AES");
        Base64.Decoder b64 = Base64.getDecoder();
        int versions = 0;
        int equal = 0;
        int missing = 0;
        try (JsonParser p = new JsonFactory().createParser(answer.toFile())) {
            expect(p.nextToken() == JsonToken.START_OBJECT, "an object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                JsonToken value = p.nextToken();
                if ("meters".equals(field) && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        Map<?, ?> entry = JSON.readValue(p, Map.class);
                        versions++;
                        Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
                        kwp.init(Cipher.UNWRAP_MODE, kek);
                        byte[] key = kwp.unwrap(b64.decode((String) entry.get("blockCipherKey")), "RAW",
                                Cipher.SECRET_KEY).getEncoded();
                        if (Arrays.equals(key, fleet.keys((String) entry.get("meterId")).blockCipherKey())) {
                            equal++;
                        }
                    }
                } else if ("missing".equals(field) && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        missing++;
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return new int[] {versions, equal, missing};
    }

    private static void expect(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("escrow export: the answer is not " + what);
        }
    }
}
