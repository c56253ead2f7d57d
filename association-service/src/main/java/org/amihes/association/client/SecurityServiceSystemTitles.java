package org.amihes.association.client;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The meters whose keys carry a system title, from security-service ({@code GET /system-titles/{hex}}: the most
 * recently delivered first), over the service credential: how a ciphered push is named by its sender's system title.
 * No meter has it: an empty list. security-service unreachable or refusing: {@link SecurityServiceCredentials.Refused}
 * HEAD_END HES-005.
 */
public final class SecurityServiceSystemTitles {

    private final SecurityServiceClient client;

    public SecurityServiceSystemTitles(SecurityServiceClient client) {
        this.client = client;
    }

    public Future<List<String>> meters(byte[] systemTitle) {
        String hex = HexFormat.of().withUpperCase().formatHex(systemTitle);
        return client.get("/system-titles/" + hex)
                .recover(e -> Future.failedFuture(unavailable("security-service at " + client.base()
                        + " is unreachable: " + e.getMessage(), e)))
                .map(reply -> {
                    if (reply.status() == 404) {
                        return List.<String>of();
                    }
                    if (reply.status() != 200) {
                        throw unavailable("security-service answered HTTP " + reply.status() + ": " + reply.body(), null);
                    }
                    JsonArray ids = reply.body().toJsonObject().getJsonArray("meterIds");
                    List<String> out = new ArrayList<>(ids.size());
                    for (int i = 0; i < ids.size(); i++) {
                        out.add(ids.getString(i));
                    }
                    return out;
                });
    }

    private static SecurityServiceCredentials.Refused unavailable(String why, Throwable cause) {
        return new SecurityServiceCredentials.Refused("HEAD_END", "HES-005", "HES-005: Keys unavailable (system title "
                + "lookup: " + why + ")", cause);
    }
}
