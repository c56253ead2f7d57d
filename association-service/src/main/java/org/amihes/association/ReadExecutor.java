package org.amihes.association;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.amihes.association.audit.AuditLog;
import org.amihes.association.client.SecurityServiceCounterReservations.CountersUnavailable;
import org.amihes.association.client.SecurityServiceCredentials.Refused;
import org.amihes.association.domain.MeterCredentials;
import org.amihes.association.domain.Admission;
import org.amihes.association.domain.Meter;
import org.amihes.association.domain.RetryPolicy;
import org.amihes.contracts.MeterFailure;
import org.amihes.contracts.ReadJob;
import org.amihes.contracts.ReadResult;
import org.amihes.contracts.RegisterValue;
import org.amihes.dlms.MeterReading;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.failure.Classifier;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.Retry;

/**
 * Turns a {@link ReadJob} into a {@link ReadResult}: every failure becomes a classified FAILED result, after the
 * attempts its {@link RetryPolicy} allows (each failed attempt audited as READ_ATTEMPT), and every outcome is audited
 * and counted. It fails only with {@link Admission.Closed}: the service is stopping and the job
 * never started.
 */
@ApplicationScoped
public class ReadExecutor {

    /** Not a meter-facing class: the job names a meter the registry does not know. */
    public static final String UNKNOWN_METER_CLASS = "CONFIGURATION";
    public static final String UNKNOWN_METER_CODE = "HES-001";
    public static final String NO_KEYS_CODE = "HES-002";
    /** Not a meter-facing class either: the head-end could not get invocation counters, the meter was not asked. */
    public static final String HEAD_END_CLASS = "HEAD_END";
    public static final String NO_COUNTERS_CODE = "HES-003";
    /** The job's meter is not in memory and the registry's database could not be asked. */
    public static final String NO_REGISTRY_CODE = "HES-004";

    private final org.amihes.association.MeterRegistry registry;
    private final MeterSessions sessions;
    private final AuditLog audit;
    private final AssociationConfig config;
    private final MeterRegistry metrics;
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Timer sessionTime;
    private final Vertx vertx;
    private final RetryPolicy retries;

    public ReadExecutor(org.amihes.association.MeterRegistry registry, MeterSessions sessions, AuditLog audit, AssociationConfig config,
                        MeterRegistry metrics, Vertx vertx) {
        this.registry = registry;
        this.vertx = vertx;
        this.retries = new RetryPolicy(config.sessions().attempts(), config.sessions().retryBackoff());
        this.sessions = sessions;
        this.audit = audit;
        this.config = config;
        this.metrics = metrics;
        Gauge.builder("hes.sessions.open", sessions, MeterSessions::sessionsOpen).register(metrics);
        Gauge.builder("hes.sessions.waiting", sessions, MeterSessions::sessionsWaiting).register(metrics);
        // Session time (per-meter serialisation + admission + the DLMS session), as a histogram so that p50/p99
        // over any interval come from two scrapes of /q/metrics (the pipeline benchmark reads it).
        sessionTime = Timer.builder("hes.meter.session").description("a read job's meter session, queueing included")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(metrics);
    }

    public Future<ReadResult> execute(ReadJob job) {
        return registry.lookup(job.meterId()).transform(ar -> ar.succeeded() ? execute(job, ar.result())
                : Future.succeededFuture(failed(job, new MeterFailure(HEAD_END_CLASS, NO_REGISTRY_CODE, NO_REGISTRY_CODE
                        + ": Meter registry unavailable (" + ar.cause().getMessage() + "); the meter was not contacted", List.of()))));
    }

    private Future<ReadResult> execute(ReadJob job, Optional<Meter> meter) {
        if (meter.isEmpty()) {
            MeterFailure failure = new MeterFailure(UNKNOWN_METER_CLASS, UNKNOWN_METER_CODE,
                    UNKNOWN_METER_CODE + ": Unknown meter (" + job.meterId() + " is not in the registry)", List.of());
            return Future.succeededFuture(failed(job, failure));
        }
        List<String> registers = job.registers().isEmpty() ? List.of(ReadJob.ACTIVE_ENERGY_IMPORT) : job.registers();
        Meter m = meter.get();
        Duration timeout = config.sessions().responseTimeout();
        int pdu = config.sessions().maxPduSize();
        if (m.securityProfile() == null) {
            return attempt(job, m, () -> m.sessionSettings(timeout, pdu), "public: client " + m.clientAddress() + " "
                    + m.authentication(), registers);
        }
        return sessions.credentials(m).transform(ar -> {
            if (ar.failed()) {
                Refused refused = ar.cause() instanceof Refused r ? r : new Refused(HEAD_END_CLASS, "HES-005",
                        "HES-005: Keys unavailable (" + ar.cause().getMessage() + ")", ar.cause());
                return Future.succeededFuture(failed(job, new MeterFailure(refused.failureClass(), refused.code(),
                        refused.getMessage() + "; the meter was not contacted", List.of())));
            }
            MeterCredentials credentials = ar.result();
            return attempt(job, m, () -> credentials.session(m, 0, timeout, pdu), credentials.describe(), registers);
        });
    }

    /** The first attempt; settings that cannot be built (e.g. a mechanism without its secret) fail the job here. */
    private Future<ReadResult> attempt(ReadJob job, Meter meter, java.util.function.Supplier<SessionSettings> build,
                                       String association, List<String> registers) {
        SessionSettings settings;
        try {
            settings = build.get();
        } catch (IllegalArgumentException e) {
            return Future.succeededFuture(failed(job, new MeterFailure(UNKNOWN_METER_CLASS, NO_KEYS_CODE,
                    NO_KEYS_CODE + ": Association cannot be set up (" + e.getMessage() + ")", List.of())));
        }
        return attempt(job, meter, settings, association, registers, 1);
    }

    /** One session; a failure the {@link RetryPolicy} allows again is audited and tried again after its pause. */
    private Future<ReadResult> attempt(ReadJob job, Meter meter, SessionSettings settings, String association,
                                       List<String> registers, int attempt) {
        long sessionStart = System.nanoTime();
        return sessions.read(job.meterId(), settings, registers)
                .onComplete(ar -> sessionTime.record(System.nanoTime() - sessionStart, TimeUnit.NANOSECONDS))
                .map(reading -> succeeded(job, reading, association))
                .recover(error -> {
                    if (error instanceof Admission.Closed) {
                        return Future.failedFuture(error); // never started: the job goes back to the broker
                    }
                    if (error instanceof CountersUnavailable) {
                        return Future.succeededFuture(failed(job, new MeterFailure(HEAD_END_CLASS, NO_COUNTERS_CODE,
                                NO_COUNTERS_CODE + ": Invocation counters unavailable (" + error.getMessage() + ")", List.of())));
                    }
                    DlmsException e = Classifier.classify(error, List.of());
                    if (e.failureClass() == org.amihes.dlms.failure.FailureClass.SECURITY) {
                        sessions.forgetCredentials(meter); // the next attempt asks security-service again
                    }
                    Retry advice = e.code().retry();
                    Optional<Duration> pause = retries.pauseBefore(attempt + 1, advice, ThreadLocalRandom.current().nextDouble());
                    String tries = attempt > 1 || retries.allowed(advice) > 1
                            ? " (attempt " + attempt + " of " + retries.allowed(advice) + ")" : "";
                    MeterFailure failure = new MeterFailure(e.failureClass().name(), e.code().code(),
                            e.getMessage() + tries + " [association: " + association + "]", e.exchange());
                    if (pause.isEmpty()) {
                        return Future.succeededFuture(failed(job, failure));
                    }
                    audit.fail("READ_ATTEMPT", job.meterId(), job.jobId(), failure.failureClass(), failure.code(),
                            failure.message() + "; next attempt in " + pause.get().toMillis() + " ms", failure.exchange());
                    count("RETRIED");
                    Promise<ReadResult> next = Promise.promise();
                    vertx.setTimer(pause.get().toMillis(), t -> attempt(job, meter, settings, association, registers, attempt + 1)
                            .onComplete(next));
                    return next.future();
                });
    }

    private ReadResult succeeded(ReadJob job, MeterReading reading, String association) {
        List<RegisterValue> values = reading.registers().stream()
                .map(r -> RegisterValue.of(r.obis(), r.raw(), r.scaler(), r.unit())).toList();
        audit.pass("READ", job.meterId(), job.jobId(), Map.of("association", association,
                "meterTime", reading.meterTime().toString(),
                "values", values.stream().map(v -> v.obis() + "=" + v.value().toPlainString() + " " + v.unit()).toList(),
                "warnings", reading.warnings()));
        count("OK");
        return ReadResult.ok(job, reading.meterTime(), values);
    }

    private ReadResult failed(ReadJob job, MeterFailure failure) {
        audit.fail("READ", job.meterId(), job.jobId(), failure.failureClass(), failure.code(), failure.message(),
                failure.exchange());
        count(failure.failureClass());
        return ReadResult.failed(job, failure);
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, o -> Counter.builder("hes.meter.reads").tag("outcome", o).register(metrics))
                .increment();
    }
}
