package org.amihes.association.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.amihes.association.AssociationConfig;
import org.jboss.logging.Logger;

/**
 * The interoperability audit log ({@code interop_audit.log}): one JSON line per meter-facing operation, with
 * {@code "outcome":"PASS"} or {@code "outcome":"FAIL"}, so {@code tail -f ... | grep FAIL} shows failures with
 * their class, code and the frames that prove them. Written by one background thread: never on an event loop.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class);
    private static final int MAX_PENDING = 100_000;

    private final ObjectMapper mapper;
    private final Path file;
    /** Entries as they were appended; the writer thread turns them into lines (JSON is no work for an event loop). */
    private final BlockingQueue<Entry> pending = new LinkedBlockingQueue<>(MAX_PENDING);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;

    /**
     * The open file, kept across batches (opening it and a buffered writer per batch allocated 24 KiB per batch: a fifth
     * of association-service's allocation in a 100,000-meter profile); written by the writer thread only.
     */
    private BufferedWriter out;
    /** The identity (inode) of the file {@link #out} writes to. */
    private Object openKey;

    @jakarta.inject.Inject
    public AuditLog(ObjectMapper mapper, AssociationConfig config) {
        this(mapper, Path.of(config.audit().file()));
    }

    AuditLog(ObjectMapper mapper, Path file) {
        this.mapper = mapper;
        this.file = file;
        this.writer = new Thread(this::drain, "audit-log-writer");
        writer.setDaemon(true);
        writer.start();
    }

    public Path file() {
        return file;
    }

    public void pass(String operation, String meterId, String jobId, Map<String, Object> details) {
        append("PASS", operation, meterId, jobId, details);
    }

    public void fail(String operation, String meterId, String jobId, String failureClass, String code, String message,
                     List<String> exchange) {
        fail(operation, meterId, jobId, failureClass, code, message, exchange, Map.of());
    }

    /** @param more added first (e.g. who asked) */
    public void fail(String operation, String meterId, String jobId, String failureClass, String code, String message,
                     List<String> exchange, Map<String, Object> more) {
        Map<String, Object> details = new LinkedHashMap<>(more);
        details.put("class", failureClass);
        details.put("code", code);
        details.put("message", message);
        details.put("exchange", exchange);
        append("FAIL", operation, meterId, jobId, details);
    }

    /** Entries the writer could not keep up with (also logged); zero in a healthy system. */
    public long dropped() {
        return dropped.get();
    }

    /** One entry; {@code details} is the caller's and is not changed after it was appended. */
    private record Entry(Instant at, String outcome, String operation, String meterId, String jobId,
                         Map<String, Object> details) {
    }

    private void append(String outcome, String operation, String meterId, String jobId, Map<String, Object> details) {
        Entry entry = new Entry(Instant.now(), outcome, operation, meterId, jobId, details);
        if (!pending.offer(entry)) {
            dropped.incrementAndGet();
            LOG.errorf("audit log queue full, entry dropped: %s", line(entry));
        }
    }

    /** The entry's JSON line: ts, outcome, operation, meterId, jobId, then the details in their order. */
    private String line(Entry e) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ts", e.at().toString());
        json.put("outcome", e.outcome());
        json.put("operation", e.operation());
        json.put("meterId", e.meterId());
        json.put("jobId", e.jobId());
        json.putAll(e.details());
        try {
            return mapper.writeValueAsString(json);
        } catch (IOException unserialisable) {
            return "{\"outcome\":\"" + e.outcome() + "\",\"meterId\":\"" + e.meterId()
                    + "\",\"error\":\"unserialisable entry\"}";
        }
    }

    private void drain() {
        List<Entry> batch = new ArrayList<>();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            LOG.errorf(e, "cannot create the audit log directory for %s", file);
        }
        while (running || !pending.isEmpty()) {
            try {
                Entry first = pending.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                pending.drainTo(batch, 10_000);
                write(batch);
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closeFile();
    }

    private void write(List<Entry> entries) {
        try {
            BufferedWriter w = writer();
            for (Entry entry : entries) {
                w.write(line(entry));
                w.newLine();
            }
            w.flush(); // each batch reaches the file before the writer waits for more
        } catch (IOException e) {
            LOG.errorf(e, "cannot write %d audit entries to %s", entries.size(), file);
            closeFile();
        }
    }

    /**
     * The open file, opened again when the path no longer names it (moved away by log rotation, deleted or replaced by
     * an operator): entries always go to the file the path names.
     */
    private BufferedWriter writer() throws IOException {
        Object key = fileKey();
        if (out == null || key == null || !key.equals(openKey)) {
            closeFile();
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            openKey = fileKey();
        }
        return out;
    }

    private Object fileKey() {
        try {
            return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (IOException missing) {
            return null;
        }
    }

    private void closeFile() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.debugf("closing the audit log: %s", e.getMessage());
            }
            out = null;
        }
    }

    /** Writes what is pending, then closes the file. */
    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        writer.join(5_000);
    }
}
