package org.amihes.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU went in a JFR recording, as Markdown: CPU samples ({@code jdk.ExecutionSample}) by component (the
 * library of the innermost frame), by hottest method (self time), by innermost project method on the stack
 * (inclusive time of {@code org.amihes} code), and by thread; plus GC pauses. Uses only the JDK's
 * {@code jdk.jfr.consumer} API.
 *
 * <pre>java -cp benchmarks.jar org.amihes.bench.JfrSummary recording.jfr [top=12]</pre>
 */
public final class JfrSummary {

    /** Package prefixes to component names, first match wins. */
    private static final Map<String, String> COMPONENTS = new LinkedHashMap<>();

    static {
        COMPONENTS.put("gurux.", "Gurux DLMS");
        COMPONENTS.put("org.amihes.", "AMI-HES code");
        COMPONENTS.put("io.netty.", "Netty");
        COMPONENTS.put("io.vertx.pgclient", "Vert.x PostgreSQL client");
        COMPONENTS.put("io.vertx.sqlclient", "Vert.x PostgreSQL client");
        COMPONENTS.put("io.vertx.rabbitmq", "RabbitMQ client");
        COMPONENTS.put("com.rabbitmq.", "RabbitMQ client");
        COMPONENTS.put("io.vertx.", "Vert.x core");
        COMPONENTS.put("io.smallrye.reactive.messaging", "SmallRye Reactive Messaging");
        COMPONENTS.put("io.smallrye.mutiny", "Mutiny");
        COMPONENTS.put("io.smallrye.config", "SmallRye Config");
        COMPONENTS.put("io.smallrye.context", "SmallRye Context Propagation");
        COMPONENTS.put("io.smallrye.", "SmallRye (other)");
        COMPONENTS.put("org.hibernate.", "Hibernate");
        COMPONENTS.put("com.fasterxml.jackson", "Jackson JSON");
        COMPONENTS.put("io.micrometer.", "Micrometer");
        COMPONENTS.put("io.opentelemetry.", "OpenTelemetry");
        COMPONENTS.put("io.quarkus.", "Quarkus");
        COMPONENTS.put("org.jboss.logging", "JBoss logging");
        COMPONENTS.put("org.jboss.logmanager", "JBoss logging");
        COMPONENTS.put("org.jboss.", "JBoss (other)");
        COMPONENTS.put("sun.nio.", "JDK NIO / sockets");
        COMPONENTS.put("java.nio.", "JDK NIO / sockets");
        COMPONENTS.put("sun.security.", "JDK crypto / security");
        COMPONENTS.put("javax.crypto.", "JDK crypto / security");
        COMPONENTS.put("com.sun.crypto.", "JDK crypto / security");
        COMPONENTS.put("java.util.concurrent.", "JDK concurrency");
        COMPONENTS.put("java.util.", "JDK collections");
        COMPONENTS.put("java.math.", "JDK BigDecimal / BigInteger");
        COMPONENTS.put("java.time.", "JDK java.time");
        COMPONENTS.put("java.lang.invoke.", "JDK lambdas / method handles");
        COMPONENTS.put("java.lang.", "JDK java.lang (strings, ...)");
        COMPONENTS.put("jdk.internal.", "JDK internals");
    }

    private JfrSummary() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: JfrSummary recording.jfr [top=12]");
            System.exit(2);
        }
        int top = args.length > 1 && args[1].startsWith("top=") ? Integer.parseInt(args[1].substring(4)) : 12;
        System.out.println(summarise(Path.of(args[0]), top));
    }

    /** The Markdown summary of one recording. */
    public static String summarise(Path jfr, int top) throws IOException {
        Map<String, Long> components = new HashMap<>();
        Map<String, Long> selfMethods = new HashMap<>();
        Map<String, Long> projectMethods = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        long samples = 0;
        long gcPauses = 0;
        Duration gcPause = Duration.ZERO;
        Duration longestPause = Duration.ZERO;
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.ExecutionSample")) {
                RecordedStackTrace stack = e.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                List<RecordedFrame> frames = stack.getFrames();
                String leaf = frames.get(0).getMethod().getType().getName();
                components.merge(component(leaf), 1L, Long::sum);
                selfMethods.merge(method(frames.get(0)), 1L, Long::sum);
                for (RecordedFrame f : frames) {
                    if (f.getMethod().getType().getName().startsWith("org.amihes.")) {
                        projectMethods.merge(method(f), 1L, Long::sum);
                        break;
                    }
                }
                String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
                threads.merge(threadGroup(thread), 1L, Long::sum);
            } else if (type.equals("jdk.GarbageCollection")) {
                gcPauses++;
                Duration sum = e.getDuration("sumOfPauses");
                gcPause = gcPause.plus(sum);
                if (e.getDuration("longestPause").compareTo(longestPause) > 0) {
                    longestPause = e.getDuration("longestPause");
                }
            }
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d CPU samples (jdk.ExecutionSample, Java code only: time in native "
                        + "socket calls and the JIT is not sampled); %d GCs, %.0f ms paused in total, longest %.1f ms.%n%n",
                samples, gcPauses, gcPause.toNanos() / 1e6, longestPause.toNanos() / 1e6));
        table(md, "component (innermost frame)", components, samples, top);
        table(md, "hottest methods (self)", selfMethods, samples, top);
        table(md, "innermost AMI-HES method on the stack (inclusive)", projectMethods, samples, top);
        table(md, "thread", threads, samples, top);
        return md.toString();
    }

    private static void table(StringBuilder md, String title, Map<String, Long> counts, long samples, int top) {
        md.append("| ").append(title).append(" | samples | share |\n|---|---:|---:|\n");
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(top)
                .forEach(e -> md.append(String.format(Locale.ROOT, "| `%s` | %d | %.1f%% |%n", e.getKey(), e.getValue(),
                        samples == 0 ? 0 : 100.0 * e.getValue() / samples)));
        md.append('\n');
    }

    static String component(String className) {
        for (Map.Entry<String, String> c : COMPONENTS.entrySet()) {
            if (className.startsWith(c.getKey())) {
                return c.getValue();
            }
        }
        int dot = className.lastIndexOf('.');
        return dot < 0 ? className : className.substring(0, dot);
    }

    private static String method(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName()
                + " (" + type.substring(0, Math.max(0, type.lastIndexOf('.'))) + ")";
    }

    /** Thread name without its number: "vert.x-eventloop-thread-1" becomes "vert.x-eventloop-thread-N". */
    private static String threadGroup(String name) {
        return name.replaceAll("\\d+", "N");
    }
}
