package org.amihes.interop;

import java.io.StringWriter;
import java.io.Writer;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A run as JUnit XML, the shape Jenkins' junit plugin, GitLab's test reports and Surefire read: one
 * {@code <testsuite>} per meter (its vendor as {@code package} and property), one {@code <testcase>} per case with
 * {@code classname} {@code interop.<vendor>.<meter>}, a FAIL as {@code <failure type="CLASS CODE">} whose text is the
 * evidence (each frame hex and decoded), a SKIPPED as {@code <skipped message="reason">}, the case's facts in
 * {@code <system-out>}. A FAIL is a failure, never an error: the meter answered against the plan; errors stay 0.
 */
public final class JunitXmlReport {

    private JunitXmlReport() {
    }

    public static String render(String name, List<MeterVerdict> verdicts) {
        StringWriter out = new StringWriter();
        write(name, verdicts, out);
        return out.toString();
    }

    public static void write(String name, List<MeterVerdict> verdicts, Writer out) {
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuites");
            x.writeAttribute("name", name);
            x.writeAttribute("tests", Long.toString(verdicts.stream().mapToLong(v -> v.results().size()).sum()));
            x.writeAttribute("failures", Long.toString(verdicts.stream().mapToLong(v -> v.count(Verdict.FAIL)).sum()));
            x.writeAttribute("errors", "0");
            x.writeAttribute("skipped", Long.toString(verdicts.stream().mapToLong(v -> v.count(Verdict.SKIPPED)).sum()));
            x.writeAttribute("time", seconds(verdicts.stream().mapToLong(MeterVerdict::durationMs).sum()));
            for (MeterVerdict v : verdicts) {
                suite(x, v);
            }
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.flush();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("the JUnit XML report could not be written", e);
        }
    }

    private static void suite(XMLStreamWriter x, MeterVerdict v) throws XMLStreamException {
        String vendor = v.vendor() == null ? "unknown-vendor" : v.vendor();
        x.writeCharacters("\n  ");
        x.writeStartElement("testsuite");
        x.writeAttribute("name", v.meterId());
        x.writeAttribute("package", "interop." + vendor);
        x.writeAttribute("tests", Integer.toString(v.results().size()));
        x.writeAttribute("failures", Long.toString(v.count(Verdict.FAIL)));
        x.writeAttribute("errors", "0");
        x.writeAttribute("skipped", Long.toString(v.count(Verdict.SKIPPED)));
        x.writeAttribute("time", seconds(v.durationMs()));
        if (v.startedAt() != null) {
            x.writeAttribute("timestamp", v.startedAt().truncatedTo(ChronoUnit.SECONDS).toString().replace("Z", ""));
        }
        x.writeCharacters("\n    ");
        x.writeStartElement("properties");
        property(x, "vendor", vendor);
        property(x, "meterId", v.meterId());
        property(x, "verdict", v.overall().name());
        x.writeCharacters("\n    ");
        x.writeEndElement();
        String classname = "interop." + vendor.replace('.', '_') + "." + v.meterId().replace('.', '_');
        for (CaseResult r : v.results()) {
            testcase(x, classname, r);
        }
        x.writeCharacters("\n  ");
        x.writeEndElement();
    }

    private static void property(XMLStreamWriter x, String name, String value) throws XMLStreamException {
        x.writeCharacters("\n      ");
        x.writeEmptyElement("property");
        x.writeAttribute("name", name);
        x.writeAttribute("value", value);
    }

    private static void testcase(XMLStreamWriter x, String classname, CaseResult r) throws XMLStreamException {
        x.writeCharacters("\n    ");
        x.writeStartElement("testcase");
        x.writeAttribute("name", r.caseId());
        x.writeAttribute("classname", classname);
        x.writeAttribute("time", seconds(r.durationMs()));
        switch (r.verdict()) {
            case SKIPPED -> {
                x.writeStartElement("skipped");
                x.writeAttribute("message", clean(r.reason()));
                x.writeEndElement();
            }
            case FAIL -> {
                x.writeStartElement("failure");
                x.writeAttribute("message", clean(r.reason()));
                x.writeAttribute("type", r.failureClass() + (r.code() == null ? "" : " " + r.code()));
                x.writeCharacters(evidence(r));
                x.writeEndElement();
            }
            case PASS -> {
            }
        }
        if (!r.facts().isEmpty() || r.verdict() == Verdict.PASS) {
            x.writeStartElement("system-out");
            x.writeCharacters(clean(r.verdict() == Verdict.PASS ? r.reason() + "\n" + facts(r.facts()) : facts(r.facts())));
            x.writeEndElement();
        }
        x.writeEndElement();
    }

    /** The failure's text: class and code, reason, then every frame of the failing exchange, hex and decoded. */
    static String evidence(CaseResult r) {
        StringBuilder s = new StringBuilder("\n").append(r.failureClass()).append(r.code() == null ? "" : " " + r.code())
                .append(": ").append(r.reason()).append('\n');
        if (r.evidence().isEmpty()) {
            s.append("(no frames: the exchange did not get as far as a PDU)\n");
        }
        for (Evidence e : r.evidence()) {
            s.append('\n').append(e.direction()).append(' ').append(e.hex()).append('\n').append(e.decoded()).append('\n');
        }
        return clean(s.toString());
    }

    private static String facts(Map<String, Object> facts) {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(facts).forEach((k, v) -> s.append(k).append(" = ").append(v).append('\n'));
        return s.toString();
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }

    /** XML 1.0 cannot carry most control characters, even escaped: a meter's answer decoded may hold them. */
    static String clean(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0xFFFE || c == 0xFFFF ? '\uFFFD' : c);
        }
        return out.toString();
    }
}
