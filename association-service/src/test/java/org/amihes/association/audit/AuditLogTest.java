package org.amihes.association.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log keeps its file open across batches and still writes every entry, in order, to the file its path
 * names: after the file was deleted, and after log rotation moved it away.
 */
class AuditLogTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static List<String> awaitLines(Path file, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.readAllLines(file).size() >= count) {
                break;
            }
            Thread.sleep(20);
        }
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    static String meterOf(String line) throws Exception {
        return JSON.readTree(line).get("meterId").asText();
    }

    @Test
    void tenThousandEntriesInOrderThenToANewFileAfterDeletionAndRotation() throws Exception {
        Path file = dir.resolve("logs/interop_audit.log");
        AuditLog log = new AuditLog(JSON, file);
        try {
            for (int i = 0; i < 10_000; i++) {
                log.pass("read-registers", "M" + i, "j" + i, Map.of("n", i));
            }
            List<String> lines = awaitLines(file, 10_000);
            assertThat(lines).hasSize(10_000);
            for (int i = 0; i < lines.size(); i += 997) {
                assertThat(meterOf(lines.get(i))).isEqualTo("M" + i);
            }
            assertThat(JSON.readTree(lines.get(9_999)).get("outcome").asText()).isEqualTo("PASS");

            // an operator deletes the file: the next entries make a new one
            Files.delete(file);
            log.fail("read-registers", "GONE-1", "j", "NETWORK", "DLMS-102", "no answer", List.of("TX 00"));
            assertThat(awaitLines(file, 1)).hasSize(1).allSatisfy(l -> assertThat(l).contains("\"GONE-1\"")
                    .contains("\"outcome\":\"FAIL\"").contains("DLMS-102"));

            // log rotation moves it away: the rotated file keeps what it had, the path gets what comes after
            Path rotated = dir.resolve("logs/interop_audit.log.1");
            Files.move(file, rotated);
            log.pass("read-registers", "AFTER-1", "j", Map.of());
            assertThat(awaitLines(file, 1)).hasSize(1).allSatisfy(l -> assertThat(l).contains("\"AFTER-1\""));
            assertThat(Files.readAllLines(rotated)).hasSize(1).allSatisfy(l -> assertThat(l).contains("\"GONE-1\""));
            assertThat(log.dropped()).isZero();
        } finally {
            log.onStop(null);
        }
    }
}
