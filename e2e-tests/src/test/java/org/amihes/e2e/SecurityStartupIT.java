package org.amihes.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amihes.service.testing.DevCredentials;
import org.amihes.service.testing.SoftHsmToken;
import org.junit.jupiter.api.Test;

/**
 * Issue 9: the packaged security-service refuses to start on a wrong HSM PIN or a wrong slot, saying which, instead
 * of failing its first key request. Issue 10: in production (the packaged service's profile) a missing database
 * password, broker password or OIDC client secret stops the start with a message naming the setting; nothing falls
 * back to the development credentials; given as files instead (HES_DB_PASSWORD_FILE, RABBITMQ_PASSWORD_FILE: the
 * Helm chart's mounted Secrets) they are enough.
 */
class SecurityStartupIT {

    static ServiceProcess start(Map<String, String> environment, String name) throws Exception {
        Map<String, String> props = new HashMap<>(E2eStack.datasource());
        props.put("hes.events.exchange", "security-events-e2e");
        return ServiceProcess.start(ServiceProcess.projectRoot(), "security-service", props, name, environment);
    }

    @Test
    void aWrongPinOrSlotStopsTheStartWithAClearMessage() throws Exception {
        SoftHsmToken token = SoftHsmToken.ensure(SoftHsmToken.testConf(), "amihes-test");
        Path wrong = Files.createTempFile("wrong", ".pin");
        Files.writeString(wrong, "not-the-pin");
        Map<String, String> env = new HashMap<>(token.environment());
        env.put("HES_HSM_PIN_FILE", wrong.toString());
        ServiceProcess wrongPin = start(env, "security-service-wrong-pin");
        try {
            assertThatThrownBy(() -> wrongPin.awaitReady(Duration.ofSeconds(60))).hasMessageContaining("exited");
            assertThat(wrongPin.log()).contains("HSM login to slot " + token.slot()).contains("wrong PIN?");
        } finally {
            wrongPin.close();
        }

        Map<String, String> badSlot = new HashMap<>(token.environment());
        badSlot.put("HES_HSM_SLOT", "4242");
        ServiceProcess wrongSlot = start(badSlot, "security-service-wrong-slot");
        try {
            assertThatThrownBy(() -> wrongSlot.awaitReady(Duration.ofSeconds(60))).hasMessageContaining("exited");
            assertThat(wrongSlot.log()).contains("slot 4242").contains("HES_HSM_SLOT");
        } finally {
            wrongSlot.close();
        }
    }

    @Test
    void productionStopsWithoutTheDatabasePasswordTheBrokerPasswordOrTheClientSecretNamingIt() throws Exception {
        SoftHsmToken token = SoftHsmToken.ensure(SoftHsmToken.testConf(), "amihes-test");
        // each setting missing in turn (null removes it from the environment the service would inherit), the others
        // given as ./hes gives them
        record Missing(String name, List<String> unset, List<String> says) {
        }
        List<Missing> cases = List.of(
                new Missing("db-password", List.of("HES_DB_PASSWORD", "HES_DB_PASSWORD_FILE"),
                        List.of("no database password", "HES_DB_PASSWORD_FILE", "HES_DB_PASSWORD",
                                "quarkus.datasource.password")),
                new Missing("broker-password", List.of("RABBITMQ_PASSWORD", "RABBITMQ_PASSWORD_FILE"),
                        List.of("no broker password", "RABBITMQ_PASSWORD_FILE", "RABBITMQ_PASSWORD",
                                "rabbitmq-password")),
                new Missing("client-secret", List.of("HES_OIDC_CLIENT_SECRET_FILE", "HES_OIDC_CLIENT_SECRET"),
                        List.of("no OIDC client secret for security-service", "HES_OIDC_CLIENT_SECRET_FILE",
                                "HES_OIDC_CLIENT_SECRET")));
        for (Missing m : cases) {
            Map<String, String> env = new HashMap<>(token.environment());
            m.unset().forEach(v -> env.put(v, null));
            ServiceProcess service = start(env, "security-service-without-" + m.name());
            try {
                assertThatThrownBy(() -> service.awaitReady(Duration.ofSeconds(90))).as(m.name())
                        .hasMessageContaining("exited");
                String log = service.log();
                for (String said : m.says()) {
                    assertThat(log).as(m.name() + ": the log names " + said).contains(said);
                }
            } finally {
                service.close();
            }
        }
    }

    @Test
    void productionStartsWithTheDatabaseAndBrokerPasswordsInFiles() throws Exception {
        SoftHsmToken token = SoftHsmToken.ensure(SoftHsmToken.testConf(), "amihes-test");
        Map<String, String> dev = DevCredentials.environment("security-service");
        Map<String, String> env = new HashMap<>(token.environment());
        for (String variable : List.of("HES_DB_PASSWORD", "RABBITMQ_PASSWORD")) {
            Path file = Files.createTempFile(variable.toLowerCase(), ".secret",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, dev.get(variable) + "\n"); // as a mounted Secret or `echo` writes it
            env.put(variable + "_FILE", file.toString());
            env.put(variable, null);
        }
        ServiceProcess service = start(env, "security-service-credential-files");
        try {
            // ready means connected: the database (Flyway ran, the pool answers) and the broker (the outbox relay's
            // connection, RabbitHealth)
            service.awaitReady(Duration.ofSeconds(240));
            assertThat(service.log()).doesNotContain("no database password").doesNotContain("no broker password");
        } finally {
            service.close();
        }
    }
}
