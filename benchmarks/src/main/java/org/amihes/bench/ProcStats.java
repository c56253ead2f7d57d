package org.amihes.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Process and machine figures from Linux {@code /proc}: CPU time of a process (utime + stime, children not
 * included), peak and current resident set, and the machine's busy time. Linux only, as the benchmark machine is.
 */
final class ProcStats {

    /** USER_HZ: the unit of the tick counts in /proc/<pid>/stat and /proc/stat. 100 on every mainstream Linux. */
    static final long TICKS_PER_SECOND = 100;

    private ProcStats() {
    }

    /** CPU time the process has used so far (user + system), in nanoseconds; -1 when the process is gone. */
    static long cpuNanos(long pid) {
        return cpuNanos(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** user + system time of a /proc stat file (a process's or one of its threads'), in nanoseconds; -1 if unreadable. */
    private static long cpuNanos(Path statFile) {
        try {
            String stat = Files.readString(statFile);
            // the command name (field 2) is in parentheses and may hold spaces: parse after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long utime = Long.parseLong(f[11]); // field 14 of the whole line
            long stime = Long.parseLong(f[12]); // field 15
            return (utime + stime) * (1_000_000_000L / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU time HotSpot's compiler threads of the process have used so far (user + system of each thread whose name,
     * as /proc shows its first 15 characters, is {@code C1 CompilerThre...} or {@code C2 CompilerThre...}), in
     * nanoseconds; -1 when the process is gone. On 2 cores HotSpot runs one thread of each, kept for the JVM's life.
     */
    static long compilerCpuNanos(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            long sum = 0;
            for (Path t : (Iterable<Path>) threads::iterator) {
                String comm;
                try {
                    comm = Files.readString(t.resolve("comm")).trim();
                } catch (IOException gone) {
                    continue; // a thread that ended meanwhile
                }
                if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                    long cpu = cpuNanos(t.resolve("stat"));
                    sum += Math.max(0, cpu);
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A {@code kB} line of /proc/<pid>/status (VmHWM: peak RSS, VmRSS: current RSS), in bytes; -1 if unknown. */
    static long statusBytes(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim()) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    static long peakRss(long pid) {
        return statusBytes(pid, "VmHWM");
    }

    /** Ids of the processes whose command name (/proc/<pid>/comm) is {@code comm}, e.g. beam.smp or postgres. */
    static List<Long> pidsNamed(String comm) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            return Files.readString(p.resolve("comm")).trim().equals(comm);
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString())).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** CPU time of each of {@code pids} now (processes that exited are left out). */
    static Map<Long, Long> cpuOf(List<Long> pids) {
        Map<Long, Long> cpu = new HashMap<>();
        for (long pid : pids) {
            long c = cpuNanos(pid);
            if (c >= 0) {
                cpu.put(pid, c);
            }
        }
        return cpu;
    }

    /** CPU used between two {@link #cpuOf} snapshots by the processes present in both. */
    static long delta(Map<Long, Long> before, Map<Long, Long> after) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            Long b = before.get(e.getKey());
            if (b != null) {
                sum += e.getValue() - b;
            }
        }
        return sum;
    }

    /** Machine-wide {busy, total} CPU time from /proc/stat, in nanoseconds (all cores together). */
    static long[] machineCpu() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0); // "cpu  user nice system idle iowait ..."
            String[] f = line.trim().split("\\s+");
            long total = 0;
            long idle = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i == 4 || i == 5) {
                    idle += v;
                }
            }
            long tick = 1_000_000_000L / TICKS_PER_SECOND;
            return new long[] {(total - idle) * tick, total * tick};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** The first "model name" of /proc/cpuinfo and MemTotal of /proc/meminfo, for the report. */
    static String machine() {
        String model = "unknown CPU";
        String mem = "";
        try {
            model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(model);
            mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024 + " GiB RAM")
                    .orElse("");
        } catch (IOException | RuntimeException e) {
            // leave the defaults
        }
        return model + ", " + Runtime.getRuntime().availableProcessors() + " cores" + (mem.isEmpty() ? "" : ", " + mem);
    }
}
