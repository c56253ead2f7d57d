package org.amihes.service.security;

import io.quarkus.runtime.ExecutionMode;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Where the database and broker passwords come from: a file named by {@code HES_DB_PASSWORD_FILE} /
 * {@code RABBITMQ_PASSWORD_FILE} (a mounted Secret; the file wins, as the HSM PIN's does) or the environment
 * ({@code HES_DB_PASSWORD} / {@code RABBITMQ_PASSWORD}, read by the expressions in microprofile-config.properties).
 * A file's content becomes the ordinary property ({@code quarkus.datasource.password}, {@code rabbitmq-password}), so
 * the datasource, Flyway, the RabbitMQ connector and our own clients all read it unchanged.
 * <p>
 * With {@code hes-credentials.required} (on in the prod profile) a password that neither gives fails the configuration,
 * naming both variables and the property. It is checked here, while the configuration is built, because that comes
 * before anything connects: Flyway migrates at start before any bean observes StartupEvent, and a database that
 * trusts local connections (or a broker's client that falls back to guest) would otherwise start on nothing. An
 * unreadable file fails the same way, naming the file and its variable. Only an application that starts is held to
 * this, not Quarkus's build of it (which reads the prod profile too).
 */
public class InfrastructureCredentials implements ConfigSourceFactory {

    /** A password: its environment variable (the file's is {@code variable + "_FILE"}) and the property it sets. */
    record Credential(String what, String variable, String property) {

        String fileVariable() {
            return variable + "_FILE";
        }
    }

    static final List<Credential> CREDENTIALS = List.of(
            new Credential("database password", "HES_DB_PASSWORD", "quarkus.datasource.password"),
            new Credential("broker password", "RABBITMQ_PASSWORD", "rabbitmq-password"));

    /**
     * Outside the {@code hes} root on purpose: association-service and polling-service map that whole root, and a
     * {@code hes.} property no mapping takes stops them at start ("does not map to any root", with
     * hes.credentials.required in the prod profile).
     */
    static final String REQUIRED = "hes-credentials.required";

    /** Above the environment (300; a file wins over a variable), below system properties (400). */
    static final int ORDINAL = 310;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (ExecutionMode.current() == ExecutionMode.UNSET) {
            // not an application starting: Quarkus building it (augmentation reads the prod profile's configuration
            // too, through this factory). The build needs no password, and one read now could be recorded into it.
            return List.of();
        }
        boolean required = Boolean.parseBoolean(value(context, REQUIRED));
        Map<String, String> fromFiles = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Credential c : CREDENTIALS) {
            String file = value(context, c.fileVariable());
            if (file != null) {
                read(c, Path.of(file), problems).ifPresent(secret -> fromFiles.put(c.property(), secret));
            } else if (required && value(context, c.property()) == null) {
                problems.add("no " + c.what() + ": set " + c.fileVariable() + " (a file holding it) or " + c.variable()
                        + " (" + c.property() + "); production (profile prod) has no development default");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("cannot start: " + String.join("; ", problems));
        }
        return List.of(new PropertiesConfigSource(fromFiles, "credential files (*_FILE)", ORDINAL));
    }

    private static Optional<String> read(Credential c, Path file, List<String> problems) {
        try {
            String secret = Files.readString(file).strip();
            if (secret.isEmpty()) {
                problems.add("the " + c.what() + " file " + file + " (" + c.fileVariable() + ") is empty");
                return Optional.empty();
            }
            return Optional.of(secret);
        } catch (IOException e) {
            problems.add("cannot read the " + c.what() + " from " + file + " (" + c.fileVariable() + "): " + e);
            return Optional.empty();
        }
    }

    /** The value, or null when it is missing, blank or an expression that cannot be expanded (no default). */
    private static String value(ConfigSourceContext context, String name) {
        ConfigValue v = context.getValue(name);
        if (v == null || v.getValue() == null || v.getValue().isBlank() || v.hasProblems()) {
            return null;
        }
        return v.getValue();
    }
}
