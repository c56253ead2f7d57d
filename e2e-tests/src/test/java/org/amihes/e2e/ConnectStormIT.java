package org.amihes.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amihes.service.testing.TimeWindows;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, broadcast storm on the read path: one read of the whole fleet asks association-service for a session to
 * every meter at once ({@code -Dfaults.meters}: 2,000 in the default suite, 5,000 for RELIABILITY.md, 10,000 in
 * {@code ./hes test-faults}). Packaged
 * association-service and polling-service, the real RabbitMQ and PostgreSQL, the simulated fleet over TCP with
 * 100 ms ± 20 ms per answer. Checked:
 * <ul>
 * <li>admission holds: the sessions open at once, sampled from association-service's gauge every 100 ms, never exceed
 * {@code hes.sessions.max-concurrent} (500), and reach it (the storm did queue); the associations open at once counted
 * by the simulator (accept to release response or close) stay within that bound plus those the head-end gave up on
 * whose close the simulator has not yet processed (see {@link #CLOSE_LAG}); no more new connections in any two seconds
 * than the rate bound lets through;</li>
 * <li>memory stays bounded: association-service's live heap after a full GC grows by at most {@link #HEAP_PER_METER}
 * per meter of the fleet (what it keeps per meter: directory entry, connectivity, adaptive timeout), and its heap in
 * use, garbage included, stays under 3/4 of its maximum (-Xmx512m) throughout;</li>
 * <li>all served within the stated time: every meter read once, none failed, the batch done within
 * {@link #servedWithin()}; the time is printed with the figures for RELIABILITY.md.</li>
 * </ul>
 * AdmissionStormTest (association-service) proves the rate bound and the priorities in one process; this adds the
 * concurrency bound, the memory and the whole read path.
 */
class ConnectStormIT {

    static final int METERS = Integer.getInteger("faults.meters", 2_000);
    static final int MAX_SESSIONS = 500;
    static final int RATE = 2_000;
    static final int BURST = 200;
    /**
     * Associations the simulator may still count open after association-service ended their sessions. A released
     * association ends at the meter before the head-end frees its slot (the release response), so these are sessions
     * the head-end gave up on (a response timeout: retried later) and closed, whose close the simulator, in this
     * loaded JVM, has not processed yet. 20 % of the bound: counting TCP connections to the close instead, the first
     * run at load average 20 saw 571 open at once against 500 (5,266 connections for 5,000 meters).
     */
    static final int CLOSE_LAG = MAX_SESSIONS / 5;
    /** Live heap association-service may keep per meter after the storm (its per-meter state is well under 1 KiB). */
    static final long HEAP_PER_METER = 2_048;
    static final Pattern OPEN = gauge("hes_sessions_open");
    static final Pattern WAITING = gauge("hes_sessions_waiting");
    static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\}\\s+(\\S+)",
            Pattern.MULTILINE);

    /**
     * 10 s to start plus 50 reads per second: 40 times below the admission's rate, for a shared 2-core machine (the
     * first run, at load average 20 from other work, read 5,000 in 55.3 s: about 90 per second).
     */
    static Duration servedWithin() {
        return Duration.ofSeconds(10 + METERS / 50);
    }

    record Sample(double open, double waiting, double heap, long rssKb) {
    }

    @Test
    void aReadOfTheWholeFleetAtOnceIsAdmittedWithinBoundsAndServed() throws Exception {
        Path root = ServiceProcess.projectRoot();
        E2eStack.purgeQueues();
        List<Long> accepts = Collections.synchronizedList(new ArrayList<>());
        try (SimulatedFleet fleet = SimulatedFleet.start("STORM", METERS, "127.52.0.1", 100, 20)) {
            Map<String, String> props = new HashMap<>(E2eStack.association());
            props.put("hes.registry.file", fleet.registry().toString());
            props.put("hes.audit.file", Path.of("target", "e2e-logs", "storm-audit.log").toAbsolutePath().toString());
            props.put("hes.sessions.max-concurrent", String.valueOf(MAX_SESSIONS));
            props.put("hes.sessions.new-per-second", String.valueOf(RATE));
            props.put("hes.sessions.new-burst", String.valueOf(BURST));
            try (ServiceProcess polling = ServiceProcess.start(root, "polling-service", E2eStack.polling(),
                    "polling-service-storm").awaitReady(Duration.ofSeconds(240));
                 ServiceProcess association = ServiceProcess.start(root, "association-service", props,
                         "association-service-storm").awaitReady(Duration.ofSeconds(240))) {
                List<String> ids = fleet.ids();
                ReadBatches.awaitView(polling.url(), ids.get(METERS - 1));

                double heapBefore = liveHeap(association);
                long rssBefore = rssKb(association.pid());
                fleet.resetMostConnectionsOpen();
                fleet.onAccept(id -> accepts.add(System.nanoTime()));
                List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
                AtomicBoolean storming = new AtomicBoolean(true);
                Thread sampler = new Thread(() -> sample(association, storming, samples), "storm-sampler");
                sampler.setDaemon(true);
                sampler.start();

                long started = System.nanoTime();
                String batch = given().baseUri(polling.url()).contentType(ContentType.JSON).body(Map.of("meterIds", ids))
                        .post("/reads").then().statusCode(202).extract().path("batchId");
                JsonPath done;
                try {
                    done = ReadBatches.awaitDone(polling.url(), batch, servedWithin());
                } finally {
                    storming.set(false);
                    sampler.join(5_000);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                int mostAtMeters = fleet.mostConnectionsOpen();
                double heapAfter = liveHeap(association);
                long rssAfter = rssKb(association.pid());
                List<Sample> seen = List.copyOf(samples);
                double mostOpen = seen.stream().mapToDouble(Sample::open).max().orElse(-1);
                double mostWaiting = seen.stream().mapToDouble(Sample::waiting).max().orElse(-1);
                double mostHeap = seen.stream().mapToDouble(Sample::heap).max().orElse(-1);
                long mostRss = seen.stream().mapToLong(Sample::rssKb).max().orElse(-1);
                List<Long> at = new ArrayList<>(accepts);
                Collections.sort(at);
                int mostIn2s = TimeWindows.mostWithin(at, 2_000_000_000L);

                System.out.printf("ConnectStormIT: %d meters read at once, max-concurrent %d, %d/s (burst %d), 100 ms ± 20 ms"
                                + " per answer: %d ok, %d failed %s in %.1f s (stated: %d s); %d samples: sessions open at most"
                                + " %.0f, waiting at most %.0f; associations open at the meters at most %d; %d connections, at most"
                                + " %d in any two seconds; live heap %.1f MB before, %.1f MB after (%+.1f MB, bound %+.1f MB);"
                                + " heap in use at most %.1f MB; RSS %d MB before, at most %d MB, %d MB after%n",
                        METERS, MAX_SESSIONS, RATE, BURST, done.getInt("ok"), done.getInt("failed"),
                        done.getMap("failuresByClass"), seconds, servedWithin().toSeconds(), seen.size(), mostOpen,
                        mostWaiting, mostAtMeters, at.size(), mostIn2s, heapBefore / 1e6, heapAfter / 1e6,
                        (heapAfter - heapBefore) / 1e6, METERS * HEAP_PER_METER / 1e6, mostHeap / 1e6, rssBefore / 1024,
                        mostRss / 1024, rssAfter / 1024);

                assertThat(done.getInt("ok")).as("every meter read: %s", done.prettify()).isEqualTo(METERS);
                assertThat(done.getInt("failed")).isZero();
                assertThat(ReadBatches.readingsByJob(batch)).as("one job with readings per meter").hasSize(METERS);

                assertThat(seen.size()).as("samples of the storm").isGreaterThanOrEqualTo(5);
                assertThat(mostOpen).as("sessions open at once (association-service)").isLessThanOrEqualTo(MAX_SESSIONS);
                // 100 ms ± 20 ms per answer, 3 to 4 answers per session: at 2,000 admitted per second about 700 would be
                // open without the bound, so the bound is reached (90 % of it within a 100 ms sample)
                assertThat(mostOpen).as("the storm reached the concurrency bound").isGreaterThanOrEqualTo(MAX_SESSIONS * 0.9);
                assertThat(mostAtMeters).as("associations open at once, counted at the meters")
                        .isLessThanOrEqualTo(MAX_SESSIONS + CLOSE_LAG);
                assertThat(at.size()).as("a connection per meter at least").isGreaterThanOrEqualTo(METERS);
                // the rate bound over two seconds, allowing the accepts of a 200 ms stall of the simulator's event loops
                // (as AdmissionStormTest, which proves the bucket itself exact)
                assertThat(mostIn2s).as("new connections in any two seconds").isLessThanOrEqualTo(2 * RATE + BURST + RATE / 5);

                assertThat(heapAfter - heapBefore).as("live heap kept after the storm, bytes")
                        .isLessThanOrEqualTo(METERS * (double) HEAP_PER_METER);
                assertThat(mostHeap).as("heap in use during the storm, of 512 MB").isLessThan(512e6 * 0.75);
            }
        }
    }

    /** Every 100 ms until {@code storming} ends (and at most 20 minutes): the gauges, the heap and the RSS. */
    private static void sample(ServiceProcess association, AtomicBoolean storming, List<Sample> samples) {
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        while (storming.get() && System.nanoTime() < deadline) {
            try {
                String metrics = metrics(association);
                samples.add(new Sample(value(OPEN, metrics), value(WAITING, metrics), sum(HEAP, metrics),
                        rssKb(association.pid())));
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // a sample missed (the service busy beyond the request's timeout): the next one counts
            }
        }
    }

    /** The heap still in use after a full collection (jcmd GC.run, then the heap gauges), bytes. */
    private static double liveHeap(ServiceProcess service) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(service.pid()), "GC.run").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        assertThat(jcmd.waitFor()).as("jcmd GC.run: %s", out).isZero();
        return sum(HEAP, metrics(service));
    }

    private static String metrics(ServiceProcess service) {
        return given().baseUri(service.url()).get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private static Pattern gauge(String name) {
        return Pattern.compile("^" + name + "(\\{[^}]*\\})?\\s+(\\S+)", Pattern.MULTILINE);
    }

    private static double value(Pattern gauge, String metrics) {
        Matcher m = gauge.matcher(metrics);
        if (!m.find()) {
            throw new IllegalStateException("no " + gauge + " in /q/metrics");
        }
        return Double.parseDouble(m.group(2));
    }

    private static double sum(Pattern pattern, String metrics) {
        Matcher m = pattern.matcher(metrics);
        double sum = 0;
        int found = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
            found++;
        }
        if (found == 0) {
            throw new IllegalStateException("no " + pattern + " in /q/metrics");
        }
        return sum;
    }

}
