package org.amihes.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A HotSpot JVM's performance counters as it publishes them itself, in the memory-mapped file
 * {@code /tmp/hsperfdata_<user>/<pid>} (the file {@code jstat} reads; HotSpot puts it in the system's temporary
 * directory, whatever {@code java.io.tmpdir} says). Reading them runs no code in that JVM: unlike
 * a scrape of its {@code /q/metrics}, sampling it every few hundred milliseconds adds nothing to the CPU the benchmark
 * charges to the service.
 * <p>
 * The file: a prologue (magic {@code 0xcafec0c0}, byte order, version, then the offset and number of entries), then
 * entries, each with its length, the offset of its NUL-terminated name, its type and the offset of its value. Only
 * scalar {@code long} entries (type {@code 'J'}) are read.
 */
final class PerfCounters implements AutoCloseable {

    private static final int MAGIC = 0xcafec0c0;

    private final long pid;
    private final FileChannel channel;
    private final MappedByteBuffer map;
    private final List<Integer> heapUsedOffsets = new ArrayList<>();
    /** Offsets of the JIT's counters ({@code java.ci.totalTime}, {@code sun.ci.*Compiles}) and of the tick frequency. */
    private final java.util.Map<String, Integer> named = new java.util.HashMap<>();
    private static final java.util.Set<String> NAMED = java.util.Set.of("java.ci.totalTime", "sun.os.hrt.frequency",
            "sun.ci.standardCompiles", "sun.ci.osrCompiles");

    /**
     * What the JIT has done since the JVM started: compiling time (summed over compiler threads, as HotSpot times each
     * compilation: elapsed, so it includes the time a compiler thread waited for a core), methods compiled, and the
     * CPU time the compiler threads used (from /proc; NaN when unknown).
     */
    record Jit(double seconds, long compiles, double cpuSeconds) {
        Jit minus(Jit earlier) {
            return new Jit(seconds - earlier.seconds, compiles - earlier.compiles, cpuSeconds - earlier.cpuSeconds);
        }
    }

    private PerfCounters(long pid, FileChannel channel, MappedByteBuffer map) {
        this.pid = pid;
        this.channel = channel;
        this.map = map;
    }

    /** The counters of the JVM with this pid, if it publishes them (it does unless started with -XX:-UsePerfData). */
    static Optional<PerfCounters> of(long pid) {
        Path file = Path.of("/tmp", "hsperfdata_" + System.getProperty("user.name"), Long.toString(pid));
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            PerfCounters c = new PerfCounters(pid, ch, ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()));
            c.index();
            return c.heapUsedOffsets.isEmpty() ? Optional.empty() : Optional.of(c);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Finds the "used" counter of every space of every heap generation ({@code sun.gc.generation.G.space.S.used}). */
    private void index() {
        ByteBuffer b = map.duplicate();
        if (b.order(ByteOrder.BIG_ENDIAN).getInt(0) != MAGIC) {
            throw new IllegalStateException("not a hsperfdata file");
        }
        b.order(b.get(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int entryOffset = b.getInt(24);
        int entries = b.getInt(28);
        int at = entryOffset;
        for (int i = 0; i < entries; i++) {
            int length = b.getInt(at);
            int nameOffset = b.getInt(at + 4);
            int vectorLength = b.getInt(at + 8);
            byte type = b.get(at + 12);
            int dataOffset = b.getInt(at + 16);
            String name = name(b, at + nameOffset);
            if (type == 'J' && vectorLength == 0 && name.startsWith("sun.gc.generation.") && name.contains(".space.")
                    && name.endsWith(".used")) {
                heapUsedOffsets.add(at + dataOffset);
            } else if (type == 'J' && vectorLength == 0 && NAMED.contains(name)) {
                named.put(name, at + dataOffset);
            }
            at += length;
        }
        map.order(b.order());
    }

    private static String name(ByteBuffer b, int from) {
        int end = from;
        while (b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - from];
        b.get(from, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Bytes in use in the heap now: the sum of every generation space's "used" counter. */
    long heapUsed() {
        long sum = 0;
        for (int offset : heapUsedOffsets) {
            sum += map.getLong(offset);
        }
        return sum;
    }

    /** The JIT's counters now; empty when the JVM does not publish them. */
    Optional<Jit> jit() {
        if (!named.keySet().containsAll(NAMED)) {
            return Optional.empty();
        }
        long frequency = map.getLong(named.get("sun.os.hrt.frequency"));
        long cpu = ProcStats.compilerCpuNanos(pid);
        return Optional.of(new Jit((double) map.getLong(named.get("java.ci.totalTime")) / frequency,
                map.getLong(named.get("sun.ci.standardCompiles")) + map.getLong(named.get("sun.ci.osrCompiles")),
                cpu < 0 ? Double.NaN : cpu / 1e9));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
