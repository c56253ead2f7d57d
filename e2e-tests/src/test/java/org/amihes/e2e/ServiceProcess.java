package org.amihes.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.amihes.service.testing.DevCredentials;

/** One packaged service (target/quarkus-app) run as a child process, as it runs in production. */
final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private ServiceProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The project's root, where each module's target/quarkus-app is. */
    static Path projectRoot() {
        return Path.of(System.getProperty("hes.project.root", ".."));
    }

    static ServiceProcess start(Path projectRoot, String module, Map<String, String> properties) throws IOException {
        return start(projectRoot, module, properties, module);
    }

    /** {@code name} names the log file, so several processes of one module (replicas) keep separate logs. */
    static ServiceProcess start(Path projectRoot, String module, Map<String, String> properties, String name)
            throws IOException {
        return start(projectRoot, module, properties, name, Map.of());
    }

    /**
     * @param environment added to the process's environment (e.g. SOFTHSM2_CONF, read by a native library), after the
     *                    development credentials the prod profile needs ({@link DevCredentials}); a null value removes
     *                    the variable (a test of a missing setting)
     */
    static ServiceProcess start(Path projectRoot, String module, Map<String, String> properties, String name,
                                Map<String, String> environment) throws IOException {
        Path jar = projectRoot.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (mvn verify builds them)");
        }
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dquarkus.http.port=" + port, "-Dquarkus.otel.sdk.disabled=true"));
        command.addAll(jvmOptions());
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        Path log = Path.of("target", "e2e-logs", name + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(DevCredentials.environment(module));
        environment.forEach((k, v) -> {
            if (v == null) {
                builder.environment().remove(k);
            } else {
                builder.environment().put(k, v);
            }
        });
        Process p = builder.start();
        return new ServiceProcess(name, p, port, log);
    }

    /** JVM options for every service process of the run (failsafe's hes.e2e.service-jvm-options, space-separated). */
    static List<String> jvmOptions() {
        String options = System.getProperty("hes.e2e.service-jvm-options", "").trim();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Waits until /q/health/ready answers 200, or fails with the service's log tail. */
    ServiceProcess awaitReady(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + ":\n" + tail());
    }

    /** The whole log so far. */
    String log() throws IOException {
        return Files.readString(log);
    }

    String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook runs, nothing is drained, nothing is acked. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The process id (for /proc/<pid>/status: resident memory). */
    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** Below the ephemeral range: {@link org.amihes.service.testing.ListeningPorts}. */
    static int freePort() throws IOException {
        return org.amihes.service.testing.ListeningPorts.free();
    }
}
