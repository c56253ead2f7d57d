package org.amihes.service.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a packaged service (profile prod, which has no development defaults) needs in its environment to run on a
 * development machine, given explicitly: the database and broker passwords ./hes uses (HES_DB_PASSWORD, default
 * amihes; RABBITMQ_PASSWORD, default guest, or what the environment says) and the file holding the service's own
 * client secret that ./hes made for the realm ami (HES_OIDC_CLIENT_SECRET_FILE).
 */
public final class DevCredentials {

    private DevCredentials() {
    }

    /** @param service the service's client id, e.g. association-service */
    public static Map<String, String> environment(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HES_DB_PASSWORD", env("HES_DB_PASSWORD", "amihes"));
        env.put("RABBITMQ_PASSWORD", env("RABBITMQ_PASSWORD", "guest"));
        env.put("HES_OIDC_CLIENT_SECRET_FILE", TestKeycloak.secretsDir().resolve(service).toAbsolutePath().toString());
        return env;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
