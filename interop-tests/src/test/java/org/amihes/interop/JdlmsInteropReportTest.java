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
 * {@code docs/examples/jdlms-interop-report.{md,json,xml,html}} (Markdown, JSON, JUnit XML, HTML); asserts the known
 * deviations show as the right failures, in the verdicts and in each rendered format.
 */
class JdlmsInteropReportTest {

    static final String DECLARATION = """
            {"vendor": "jdlms-1.8.0", "model": "OpenMUC jDLMS server, energy register and clock",
             "maxPduSize": 1024, "energyObis": "1.0.1.8.0.255", "clockObis": "0.0.1.0.0.255",
             "blockTransfer": true, "selectiveAccess": false}""";

    /** Writes a report with the server's ephemeral port replaced, so the committed example changes only with results. */
    static String write(Path file, String report) throws java.io.IOException {
        String stable = report.replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:<port>");
        Files.writeString(file, stable);
        return stable;
    }

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
            String title = "Interoperability plan against OpenMUC jDLMS 1.8.0 (wrapper, public and LLS clients)";
            Path examples = Path.of("..", "docs", "examples");
            String json = write(examples.resolve("jdlms-interop-report.json"), Reports.json(List.of(v)).encodePrettily());
            write(examples.resolve("jdlms-interop-report.md"), Reports.markdown(title, List.of(v)));
            String xml = write(examples.resolve("jdlms-interop-report.xml"), JunitXmlReport.render(title, List.of(v)));
            String html = write(examples.resolve("jdlms-interop-report.html"), HtmlReport.render(title, List.of(v)));
            // each format carries the known deviation as a PROTOCOL DLMS-007 failure of association.management
            assertThat(json).contains("\"failureClass\" : \"PROTOCOL\"", "\"code\" : \"DLMS-007\"");
            assertThat(xml).containsPattern("<testcase name=\"association.management\"[^>]*><failure message=\"[^\"]*\" "
                    + "type=\"PROTOCOL DLMS-007\"");
            assertThat(html).contains("data-case=\"association.management\" data-verdict=\"FAIL\" data-class=\"PROTOCOL\"");

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
