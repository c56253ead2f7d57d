package org.amihes.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.EventLoops;
import org.amihes.dlms.InMemoryInvocationCounterStore;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.Transports;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.interop.JdlmsServerPeer.Framing;
import org.junit.jupiter.api.Test;

/**
 * The interoperability plan against OpenMUC jDLMS's server (an implementation nobody here wrote), holding an energy
 * register and a clock, with its public client and its LLS client. Writes the report committed as the example in
 * {@code interop-tests/reports/jdlms-interop-report.md}; asserts the known deviations show as the right failures.
 */
class JdlmsInteropReportTest {

    static final String DECLARATION = """
            {"vendor": "jdlms-1.8.0", "model": "OpenMUC jDLMS server, energy register and clock",
             "maxPduSize": 1024, "energyObis": "1.0.1.8.0.255", "clockObis": "0.0.1.0.0.255",
             "blockTransfer": true, "selectiveAccess": false}""";

    @Test
    void thePlanAgainstJdlmsGivesAReportWithItsKnownDeviations() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (JdlmsServerPeer server = JdlmsServerPeer.start(Framing.WRAPPER,
                DlmsCoreReadsJdlmsServerTest.objects())) {
            SessionSettings open = SessionSettings.publicClient("127.0.0.1", server.port(), TransportKind.TCP_WRAPPER)
                    .withResponseTimeout(Duration.ofSeconds(3));
            SessionSettings lls = new SessionSettings("127.0.0.1", server.port(), TransportKind.TCP_WRAPPER,
                    JdlmsServerPeer.LLS_CLIENT, JdlmsServerPeer.LOGICAL_DEVICE, AuthenticationLevel.LOW,
                    JdlmsServerPeer.LLS_PASSWORD, Duration.ofSeconds(3), SessionSettings.DEFAULT_MAX_PDU, null);
            ProbeTarget target = new ProbeTarget("jdlms-wrapper", "jdlms-1.8.0", open, lls, null,
                    MeterDeclaration.parse(DECLARATION, "jdlms declaration"));
            Prober prober = new Prober(vertx, EventLoops.deploy(vertx, 1).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS), new Transports(vertx, Duration.ofSeconds(2)));
            MeterVerdict v = prober.probe(target, InteropPlan.all(), PlanOptions.DEFAULTS,
                    new InMemoryInvocationCounterStore()).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
            System.out.println(Reports.text(v));
            Files.writeString(Path.of("reports", "jdlms-interop-report.md"), Reports.markdown(
                    "Interoperability plan against OpenMUC jDLMS 1.8.0 (wrapper, public and LLS clients)", List.of(v))
                    .replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:<port>"));

            Map<String, CaseResult> byCase = v.results().stream().collect(Collectors.toMap(CaseResult::caseId, r -> r));
            assertThat(byCase.get("transport.connect").verdict()).isEqualTo(Verdict.PASS);
            assertThat(byCase.get("objects.energy").verdict()).isEqualTo(Verdict.PASS);
            assertThat(byCase.get("objects.clock").verdict()).isEqualTo(Verdict.PASS);
            // jDLMS's LLS AARE names the ciphered context for a plain proposal (README, "Deviations found")
            CaseResult management = byCase.get("association.management");
            assertThat(management.verdict()).isEqualTo(Verdict.FAIL);
            assertThat(management.failureClass()).isEqualTo("PROTOCOL");
            assertThat(management.code()).isEqualTo("DLMS-007");
            assertThat(management.evidence()).anyMatch(e -> e.direction().equals("RX"));
            // the test server holds an energy register and a clock only: no firmware identifier
            assertThat(byCase.get("objects.firmware-id").code()).isEqualTo("DLMS-201");
            assertThat(byCase.get("association.conformance").verdict()).isEqualTo(Verdict.PASS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
