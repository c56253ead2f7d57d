package org.amihes.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The JUnit XML and HTML reports of a real run (the whole plan over a simulated fleet of the four vendors, two meters
 * of one), rendered from the JSON report as the service renders them from its stored results, and checked against
 * that JSON: the XML validated against the JUnit report shape and parsed; the HTML opened in headless Chromium.
 */
class InteropReportsIT {

    static SimulatedBench bench;
    static JsonObject json;
    static List<MeterVerdict> verdicts = new ArrayList<>();
    static final Path TARGET = Path.of("target");

    @BeforeAll
    static void run() throws Exception {
        bench = new SimulatedBench(5, VendorProfile.BUILT_IN, 1415, "127.15.0.1");
        List<MeterVerdict> probed = new ArrayList<>();
        for (MeterSpec meter : bench.simulator.fleet().meters()) {
            probed.add(bench.probe(bench.target(meter), InteropPlan.all(), SimulatedBench.options()));
        }
        json = new JsonObject(Reports.json(probed).encode()); // as stored and read back by the service
        JsonArray meters = json.getJsonArray("meters");
        for (int i = 0; i < meters.size(); i++) {
            verdicts.add(Reports.fromJson(meters.getJsonObject(i)));
        }
        Files.createDirectories(TARGET);
    }

    @AfterAll
    static void stop() throws Exception {
        bench.close();
    }

    static Schema junitShape() throws Exception {
        return SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(InteropReportsIT.class.getResource("/junit-report-shape.xsd"));
    }

    @Test
    void theJunitXmlReportHasASuitePerMeterACasePerCaseFailuresWithClassAndEvidence() throws Exception {
        String xml = JunitXmlReport.render("interop run", verdicts);
        Files.writeString(TARGET.resolve("interop-report.xml"), xml);
        junitShape().newValidator().validate(new StreamSource(new StringReader(xml)));

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(xml)));
        Element root = doc.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("testsuites");
        JsonObject summary = json.getJsonObject("summary").getJsonObject("cases");
        assertThat(root.getAttribute("failures")).isEqualTo(summary.getLong("FAIL").toString());
        assertThat(root.getAttribute("skipped")).isEqualTo(summary.getLong("SKIPPED").toString());
        assertThat(doc.getElementsByTagName("error").getLength()).isZero();

        NodeList suites = root.getElementsByTagName("testsuite");
        JsonArray meters = json.getJsonArray("meters");
        assertThat(suites.getLength()).isEqualTo(meters.size());
        int failures = 0;
        int skipped = 0;
        for (int i = 0; i < meters.size(); i++) {
            JsonObject m = meters.getJsonObject(i);
            Element suite = (Element) suites.item(i);
            assertThat(suite.getAttribute("name")).isEqualTo(m.getString("meterId"));
            assertThat(suite.getAttribute("package")).isEqualTo("interop." + m.getString("vendor"));
            assertThat(suite.getAttribute("failures")).isEqualTo(m.getLong("failed").toString());
            assertThat(suite.getAttribute("skipped")).isEqualTo(m.getLong("skipped").toString());
            JsonArray cases = m.getJsonArray("cases");
            NodeList testcases = suite.getElementsByTagName("testcase");
            assertThat(testcases.getLength()).isEqualTo(cases.size()).isEqualTo(InteropPlan.all().caseIds().size());
            for (int j = 0; j < cases.size(); j++) {
                JsonObject c = cases.getJsonObject(j);
                Element tc = (Element) testcases.item(j);
                assertThat(tc.getAttribute("name")).isEqualTo(c.getString("case"));
                assertThat(tc.getAttribute("classname")).isEqualTo("interop." + m.getString("vendor") + "."
                        + m.getString("meterId"));
                NodeList failure = tc.getElementsByTagName("failure");
                NodeList skip = tc.getElementsByTagName("skipped");
                switch (c.getString("verdict")) {
                    case "FAIL" -> {
                        failures++;
                        assertThat(failure.getLength()).isEqualTo(1);
                        assertThat(skip.getLength()).isZero();
                        Element f = (Element) failure.item(0);
                        assertThat(f.getAttribute("type")).isEqualTo(c.getString("failureClass")
                                + (c.getString("code") == null ? "" : " " + c.getString("code")));
                        assertThat(f.getAttribute("message")).isEqualTo(c.getString("reason"));
                        for (Object e : c.getJsonArray("evidence")) {
                            JsonObject ev = (JsonObject) e;
                            assertThat(f.getTextContent()).contains(ev.getString("direction") + " " + ev.getString("hex"));
                        }
                    }
                    case "SKIPPED" -> {
                        skipped++;
                        assertThat(failure.getLength()).isZero();
                        assertThat(((Element) skip.item(0)).getAttribute("message")).isEqualTo(c.getString("reason"));
                    }
                    default -> assertThat(failure.getLength() + skip.getLength()).isZero();
                }
            }
        }
        // the fleet's declared quirks give failures and its LLS-only vendor skips (InteropPlanIT asserts which)
        assertThat(failures).isPositive();
        assertThat(skipped).isPositive();
        Element deltaEnergy = testcase(doc, meterOf("delta-q9"), "objects.energy");
        assertThat(VendorProfile.load("delta-q9").energyRegisterNull()).isTrue();
        assertThat(((Element) deltaEnergy.getElementsByTagName("failure").item(0)).getAttribute("type"))
                .isEqualTo("VENDOR DLMS-202");
    }

    @Test
    void theHtmlReportOpensInChromiumWithoutErrorsAndItsMatrixIsTheJsonReport() throws Exception {
        String html = HtmlReport.render("Interoperability run over the simulated fleet", verdicts);
        Path file = TARGET.resolve("interop-report.html").toAbsolutePath();
        Files.writeString(file, html);
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            // the harness hears a page's console errors (else "no errors" below would prove nothing)
            Path planted = Files.writeString(TARGET.resolve("planted-error.html").toAbsolutePath(),
                    "<!DOCTYPE html><title>x</title><script>console.error('planted error')</script>");
            chromium.open(planted.toUri());
            assertThat(chromium.problems()).anyMatch(p -> p.contains("planted error"));

            chromium.open(file.toUri());
            assertThat(chromium.problems()).isEmpty();
            assertThat(chromium.evaluate("document.title")).isEqualTo("Interoperability run over the simulated fleet");
            // self-contained: the page loaded nothing besides itself
            assertThat(((Number) chromium.evaluate("performance.getEntriesByType('resource').length")).intValue()).isZero();
            assertThat(((Number) chromium.evaluate("document.scripts.length")).intValue()).isZero();

            JsonArray cells = new JsonArray((String) chromium.evaluate("JSON.stringify([...document.querySelectorAll("
                    + "'td.cell[data-meter]')].map(td => ({meter: td.dataset.meter, case: td.dataset.case, "
                    + "verdict: td.dataset.verdict, cls: td.dataset.class || null, text: td.textContent})))"));
            Map<String, JsonObject> shown = new HashMap<>();
            cells.forEach(c -> shown.put(((JsonObject) c).getString("meter") + "|" + ((JsonObject) c).getString("case"),
                    (JsonObject) c));
            JsonArray meters = json.getJsonArray("meters");
            int expectedCells = 0;
            Map<String, String> vendorExpected = new HashMap<>();
            for (int i = 0; i < meters.size(); i++) {
                JsonObject m = meters.getJsonObject(i);
                for (Object o : m.getJsonArray("cases")) {
                    JsonObject c = (JsonObject) o;
                    expectedCells++;
                    JsonObject cell = shown.get(m.getString("meterId") + "|" + c.getString("case"));
                    assertThat(cell).as(m.getString("meterId") + " " + c.getString("case")).isNotNull();
                    assertThat(cell.getString("verdict")).isEqualTo(c.getString("verdict"));
                    if ("FAIL".equals(c.getString("verdict"))) {
                        assertThat(cell.getString("cls")).isEqualTo(c.getString("failureClass"));
                        assertThat(cell.getString("text")).isEqualTo("FAIL " + c.getString("failureClass")
                                + (c.getString("code") == null ? "" : " " + c.getString("code")));
                    } else {
                        assertThat(cell.getString("text")).isEqualTo(c.getString("verdict"));
                    }
                    vendorExpected.merge(m.getString("vendor") + "|" + c.getString("case"), c.getString("verdict"),
                            InteropReportsIT::worse);
                }
            }
            assertThat(cells.size()).isEqualTo(expectedCells);

            JsonArray vendorCells = new JsonArray((String) chromium.evaluate("JSON.stringify([...document.querySelectorAll("
                    + "'#vendor-matrix td.cell')].map(td => ({vendor: td.dataset.vendor, case: td.dataset.case, "
                    + "verdict: td.dataset.verdict})))"));
            assertThat(vendorCells.size()).isEqualTo(vendorExpected.size())
                    .isEqualTo(VendorProfile.BUILT_IN.size() * InteropPlan.all().caseIds().size());
            for (Object o : vendorCells) {
                JsonObject c = (JsonObject) o;
                assertThat(c.getString("verdict")).as(c.encode())
                        .isEqualTo(vendorExpected.get(c.getString("vendor") + "|" + c.getString("case")));
            }

            // per meter: one bar per case with its measured duration, one bar per timed GET of transport.latency
            for (int i = 0; i < meters.size(); i++) {
                JsonObject m = meters.getJsonObject(i);
                String id = m.getString("meterId");
                JsonArray bars = new JsonArray((String) chromium.evaluate("JSON.stringify([...document.querySelectorAll("
                        + "'svg.latency.cases[data-meter=\"" + id + "\"] rect.bar')].map(r => +r.dataset.ms))"));
                JsonArray durations = new JsonArray();
                m.getJsonArray("cases").forEach(c -> durations.add(((JsonObject) c).getLong("durationMs")));
                assertThat(bars.stream().map(n -> ((Number) n).longValue()).toList())
                        .isEqualTo(durations.stream().map(n -> ((Number) n).longValue()).toList());
                JsonObject latency = caseOf(m, "transport.latency");
                JsonArray samples = new JsonArray((String) chromium.evaluate("JSON.stringify([...document.querySelectorAll("
                        + "'svg.latency.samples[data-meter=\"" + id + "\"] rect.sample')].map(r => +r.dataset.ms))"));
                assertThat(samples.stream().map(n -> ((Number) n).longValue()).toList()).isEqualTo(latency
                        .getJsonObject("facts").getJsonArray("samplesMs").stream().map(n -> ((Number) n).longValue())
                        .toList()).isNotEmpty();
                // every failure's frames: hex and decoded
                for (Object o : m.getJsonArray("cases")) {
                    JsonObject c = (JsonObject) o;
                    if (!"FAIL".equals(c.getString("verdict"))) {
                        continue;
                    }
                    JsonArray frames = new JsonArray((String) chromium.evaluate("JSON.stringify([...document.querySelectorAll("
                            + "'div.result[data-meter=\"" + id + "\"][data-case=\"" + c.getString("case")
                            + "\"] details.frame')].map(d => ({hex: d.querySelector('pre.hex').textContent, "
                            + "decoded: d.querySelector('pre.decoded').textContent})))"));
                    JsonArray evidence = c.getJsonArray("evidence");
                    assertThat(frames.size()).isEqualTo(evidence.size());
                    for (int k = 0; k < frames.size(); k++) {
                        assertThat(frames.getJsonObject(k).getString("hex"))
                                .isEqualTo(evidence.getJsonObject(k).getString("hex"));
                        assertThat(frames.getJsonObject(k).getString("decoded"))
                                .isEqualTo(evidence.getJsonObject(k).getString("decoded").replace("\r", ""));
                    }
                }
            }

            byte[] png = chromium.screenshot(1400, 6000);
            Files.write(TARGET.resolve("interop-report.png"), png);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(image.getWidth()).isEqualTo(1400);
            assertThat(image.getHeight()).isGreaterThan(1000);
        }
    }

    /** 10,000 meters: the XML streams through schema validation with every suite; the HTML has every matrix row. */
    @Test
    void reportsOfTenThousandMetersAreComplete() throws Exception {
        int count = 10_000;
        List<MeterVerdict> many = new ArrayList<>(count);
        long expectedFailures = 0;
        for (int i = 0; i < count; i++) {
            MeterVerdict v = verdicts.get(i % verdicts.size());
            many.add(new MeterVerdict(String.format("LAB%05d", i), v.vendor(), v.startedAt(), v.durationMs(), v.results()));
            expectedFailures += v.count(Verdict.FAIL);
        }
        String xml = JunitXmlReport.render("ten thousand", many);
        junitShape().newValidator().validate(new StreamSource(new StringReader(xml)));
        AtomicLong suites = new AtomicLong();
        AtomicLong testcases = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        SAXParserFactory.newInstance().newSAXParser().parse(new InputSource(new StringReader(xml)), new DefaultHandler() {
            @Override
            public void startElement(String uri, String local, String qName, Attributes attributes) {
                switch (qName) {
                    case "testsuite" -> suites.incrementAndGet();
                    case "testcase" -> testcases.incrementAndGet();
                    case "failure" -> failures.incrementAndGet();
                    default -> {
                    }
                }
            }
        });
        assertThat(suites.get()).isEqualTo(count);
        assertThat(testcases.get()).isEqualTo((long) count * InteropPlan.all().caseIds().size());
        assertThat(failures.get()).isEqualTo(expectedFailures);

        String html = HtmlReport.render("ten thousand", many);
        assertThat(countOf(html, "<a href=\"#meter-lab")).isEqualTo(count);
        assertThat(countOf(html, "<article class=\"meter\"")).isEqualTo(HtmlReport.DETAILED_METERS);
        assertThat(html).contains((count - HtmlReport.DETAILED_METERS) + " meters are in the matrices only");
    }

    private static int countOf(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            n++;
        }
        return n;
    }

    /** A vendor's cell: FAIL when a meter failed, else PASS when one passed, else SKIPPED. */
    private static String worse(String a, String b) {
        if (a.equals("FAIL") || b.equals("FAIL")) {
            return "FAIL";
        }
        return a.equals("PASS") || b.equals("PASS") ? "PASS" : "SKIPPED";
    }

    private static JsonObject caseOf(JsonObject meter, String caseId) {
        for (Object o : meter.getJsonArray("cases")) {
            if (caseId.equals(((JsonObject) o).getString("case"))) {
                return (JsonObject) o;
            }
        }
        throw new AssertionError(caseId + " not in " + meter.getString("meterId"));
    }

    private static String meterOf(String vendor) {
        return verdicts.stream().filter(v -> vendor.equals(v.vendor())).findFirst().orElseThrow().meterId();
    }

    private static Element testcase(Document doc, String suite, String name) {
        NodeList suites = doc.getElementsByTagName("testsuite");
        for (int i = 0; i < suites.getLength(); i++) {
            Element s = (Element) suites.item(i);
            if (s.getAttribute("name").equals(suite)) {
                NodeList cases = s.getElementsByTagName("testcase");
                for (int j = 0; j < cases.getLength(); j++) {
                    if (((Element) cases.item(j)).getAttribute("name").equals(name)) {
                        return (Element) cases.item(j);
                    }
                }
            }
        }
        throw new AssertionError(suite + " " + name + " not in the report");
    }
}
