package org.amihes.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.ExecutionModeManager;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services' shared configuration (service-commons' microprofile-config.properties, as shipped) with
 * {@link InfrastructureCredentials}, under a given environment and profile: where the database and broker passwords
 * come from, and that production refuses to go on without them.
 */
class InfrastructureCredentialsTest {

    static final Path SHARED = Path.of("src/main/resources/META-INF/microprofile-config.properties");

    @TempDir
    Path dir;

    /** As when a service starts (Quarkus sets it before building its runtime configuration). */
    @BeforeEach
    void starting() {
        ExecutionModeManager.runtimeInit();
    }

    @AfterEach
    void done() {
        ExecutionModeManager.unset();
    }

    static SmallRyeConfig config(String profile, Map<String, String> environment) throws Exception {
        return new SmallRyeConfigBuilder().withProfile(profile)
                .withSources(new PropertiesConfigSource(SHARED.toUri().toURL(), 100))
                .withSources(new EnvConfigSource(environment, 300))
                .withSources(new InfrastructureCredentials())
                .build();
    }

    static String db(SmallRyeConfig c) {
        return c.getValue("quarkus.datasource.password", String.class);
    }

    static String broker(SmallRyeConfig c) {
        return c.getValue("rabbitmq-password", String.class);
    }

    Path file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    static String messageOf(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            all.append(c.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Test
    void productionTakesThePasswordsFromTheEnvironment() throws Exception {
        SmallRyeConfig c = config("prod", Map.of("HES_DB_PASSWORD", "db-env", "RABBITMQ_PASSWORD", "mq-env"));
        assertThat(db(c)).isEqualTo("db-env");
        assertThat(broker(c)).isEqualTo("mq-env");
    }

    @Test
    void aFileWinsOverTheVariableAndItsLineEndIsNotPartOfThePassword() throws Exception {
        Path dbFile = file("db", "db-file\n");
        Path mqFile = file("mq", "mq-file\n");
        SmallRyeConfig c = config("prod", Map.of("HES_DB_PASSWORD", "db-env", "RABBITMQ_PASSWORD", "mq-env",
                "HES_DB_PASSWORD_FILE", dbFile.toString(), "RABBITMQ_PASSWORD_FILE", mqFile.toString()));
        assertThat(db(c)).isEqualTo("db-file");
        assertThat(broker(c)).isEqualTo("mq-file");
    }

    @Test
    void filesAloneAreEnoughInProduction() throws Exception {
        SmallRyeConfig c = config("prod", Map.of("HES_DB_PASSWORD_FILE", file("db", "s3cret").toString(),
                "RABBITMQ_PASSWORD_FILE", file("mq", "t0ken").toString()));
        assertThat(db(c)).isEqualTo("s3cret");
        assertThat(broker(c)).isEqualTo("t0ken");
    }

    @Test
    void productionWithoutEitherPasswordStopsNamingTheFileTheVariableAndTheProperty() {
        assertThatThrownBy(() -> config("prod", Map.of())).satisfies(e -> assertThat(messageOf(e))
                .contains("no database password: set HES_DB_PASSWORD_FILE (a file holding it) or HES_DB_PASSWORD "
                        + "(quarkus.datasource.password)")
                .contains("no broker password: set RABBITMQ_PASSWORD_FILE (a file holding it) or RABBITMQ_PASSWORD "
                        + "(rabbitmq-password)")
                .contains("production (profile prod) has no development default"));
    }

    @Test
    void productionNamesOnlyWhatIsMissing() {
        assertThatThrownBy(() -> config("prod", Map.of("RABBITMQ_PASSWORD", "mq-env")))
                .satisfies(e -> assertThat(messageOf(e)).contains("no database password")
                        .doesNotContain("broker password"));
        assertThatThrownBy(() -> config("prod", Map.of("HES_DB_PASSWORD", "db-env")))
                .satisfies(e -> assertThat(messageOf(e)).contains("no broker password")
                        .doesNotContain("database password"));
    }

    @Test
    void anEmptyVariableIsMissing() {
        assertThatThrownBy(() -> config("prod", Map.of("HES_DB_PASSWORD", "", "RABBITMQ_PASSWORD", "mq-env")))
                .satisfies(e -> assertThat(messageOf(e)).contains("no database password"));
    }

    @Test
    void theDatasourcePropertyGivenDirectlyIsAccepted() throws Exception {
        SmallRyeConfig c = config("prod", Map.of("QUARKUS_DATASOURCE_PASSWORD", "direct", "RABBITMQ_PASSWORD", "mq"));
        assertThat(db(c)).isEqualTo("direct");
    }

    @Test
    void anUnreadableOrEmptyFileStopsTheStartNamingTheFile() throws Exception {
        Path missing = dir.resolve("no-such-file");
        assertThatThrownBy(() -> config("prod", Map.of("HES_DB_PASSWORD_FILE", missing.toString(),
                "RABBITMQ_PASSWORD", "mq"))).satisfies(e -> assertThat(messageOf(e))
                .contains("cannot read the database password from " + missing + " (HES_DB_PASSWORD_FILE)"));
        Path empty = file("empty", "\n");
        assertThatThrownBy(() -> config("prod", Map.of("HES_DB_PASSWORD", "db",
                "RABBITMQ_PASSWORD_FILE", empty.toString()))).satisfies(e -> assertThat(messageOf(e))
                .contains("the broker password file " + empty + " (RABBITMQ_PASSWORD_FILE) is empty"));
    }

    @Test
    void developmentAndTestsKeepTheLocalDefaults() throws Exception {
        for (String profile : new String[] {"dev", "test"}) {
            SmallRyeConfig c = config(profile, Map.of());
            assertThat(db(c)).as(profile).isEqualTo("amihes");
            assertThat(broker(c)).as(profile).isEqualTo("guest");
        }
    }

    @Test
    void aFileIsReadInDevelopmentToo() throws Exception {
        SmallRyeConfig c = config("test", Map.of("RABBITMQ_PASSWORD_FILE", file("mq", "local").toString()));
        assertThat(broker(c)).isEqualTo("local");
        assertThat(db(c)).isEqualTo("amihes");
    }

    @Test
    void buildingTheApplicationNeedsNoPasswordAndReadsNoFile() throws Exception {
        ExecutionModeManager.unset(); // Quarkus's build (augmentation) reads the prod profile's configuration too
        Path dbFile = file("db", "not-for-the-build");
        SmallRyeConfig c = config("prod", Map.of("HES_DB_PASSWORD_FILE", dbFile.toString())); // and no exception
        assertThat(c.getOptionalValue("quarkus.datasource.password", String.class)).isEmpty();
    }
}
