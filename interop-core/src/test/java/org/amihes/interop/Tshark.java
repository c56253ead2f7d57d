package org.amihes.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The real tshark (Debian package {@code tshark}, installed by {@code ./hes infra}): a live capture, and dissection. */
final class Tshark {

    /** The project's dissector, wireshark/dlms.lua, found from the module's directory upwards. */
    static Path dissector() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path lua = dir.resolve("wireshark").resolve("dlms.lua");
            if (Files.isRegularFile(lua)) {
                return lua;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("wireshark/dlms.lua not found above " + Path.of("").toAbsolutePath());
    }

    static void requireInstalled() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("tshark", "--version").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("tshark is not installed: ./hes infra installs it (Debian package tshark)", e);
        }
        p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("tshark --version failed");
        }
    }

    /** A running capture on the loopback interface with a capture filter; {@link #stop()} ends it. */
    static final class Capture {
        private final Process process;
        private final Path file;
        private final StringBuilder stderr = new StringBuilder();

        Capture(String filter, Path file) throws Exception {
            this.file = file;
            process = new ProcessBuilder("tshark", "-i", "lo", "-f", filter, "-w", file.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            CountDownLatch capturing = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (stderr) {
                            stderr.append(line).append('\n');
                        }
                        if (line.contains("Capturing on")) {
                            capturing.countDown();
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "tshark-stderr");
            reader.setDaemon(true);
            reader.start();
            if (!capturing.await(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("tshark did not start capturing: " + stderr());
            }
        }

        /** Ends the capture as Ctrl-C does (tshark writes out what it has), and waits for the file. */
        Path stop() throws Exception {
            Thread.sleep(500); // the kernel hands the last packets to the capture
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(30, TimeUnit.SECONDS);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("tshark did not stop: " + stderr());
            }
            return file;
        }

        String stderr() {
            synchronized (stderr) {
                return stderr.toString();
            }
        }
    }

    /**
     * The given fields of every packet the display filter keeps, with the project's dissector loaded: one map per
     * packet, each field's occurrences in order (a packet may carry several APDUs).
     */
    static List<Map<String, List<String>>> fields(Path pcap, String displayFilter, List<String> fields)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-X", "lua_script:" + dissector(), "-r", pcap.toString(),
                "-Y", displayFilter, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=|"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("tshark failed on " + pcap + ": " + err);
        }
        if (err.contains("Lua") || err.contains("lua")) {
            throw new IllegalStateException("the dissector did not load cleanly: " + err);
        }
        List<Map<String, List<String>>> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] cells = line.split("\t", -1);
            Map<String, List<String>> row = new LinkedHashMap<>();
            for (int i = 0; i < fields.size(); i++) {
                String cell = i < cells.length ? cells[i] : "";
                row.put(fields.get(i), cell.isEmpty() ? List.of() : Arrays.asList(cell.split("\\|")));
            }
            rows.add(row);
        }
        return rows;
    }

    /** The full dissection tree, for a human reading a failure. */
    static String verbose(Path pcap) throws Exception {
        Process p = new ProcessBuilder("tshark", "-X", "lua_script:" + dissector(), "-r", pcap.toString(), "-Y", "dlms",
                "-V", "-O", "dlms").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(300, TimeUnit.SECONDS);
        return out;
    }
}
