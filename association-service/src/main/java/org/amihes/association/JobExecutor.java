package org.amihes.association;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.amihes.association.audit.AuditLog;
import org.amihes.association.client.SecurityServiceCounterReservations.CountersUnavailable;
import org.amihes.association.client.SecurityServiceCredentials.Refused;
import org.amihes.association.commands.CommandHandler;
import org.amihes.association.commands.JobContext;
import org.amihes.association.commands.MeterProcedure;
import org.amihes.association.domain.Admission;
import org.amihes.association.domain.Meter;
import org.amihes.association.domain.MeterCredentials;
import org.amihes.association.domain.RetryPolicy;
import org.amihes.contracts.MeterCommand;
import org.amihes.contracts.MeterFailure;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobResult;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.failure.Classifier;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.Retry;

/**
 * The one place a {@link MeterJob} becomes a {@link MeterJobResult}, whatever its command: the meter from the
 * registry, its credentials (security profile and keys from security-service), one association per meter, the
 * command's {@link CommandHandler} inside it, and every failure a classified FAILED result after the attempts its
 * {@link RetryPolicy} allows (each failed attempt audited as {@code <operation>_ATTEMPT}); every outcome audited and
 * counted. A command that opens associations of its own (an interoperability probe) is a {@link MeterProcedure},
 * dispatched here too. It fails only with {@link Admission.Closed} (the service is stopping and the job never
 * started) or when a procedure's effect could not be made durable: the job goes back to the broker.
 */
@ApplicationScoped
public class JobExecutor {

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
    private final Map<Class<?>, CommandHandler<?>> handlers = new HashMap<>();
    private final Map<Class<?>, MeterProcedure<?>> procedures = new HashMap<>();
    private final MeterConnectivity connectivity;

    public JobExecutor(org.amihes.association.MeterRegistry registry, MeterSessions sessions, AuditLog audit,
                       AssociationConfig config, MeterRegistry metrics, Vertx vertx, Instance<CommandHandler<?>> all,
                       Instance<MeterProcedure<?>> allProcedures, MeterConnectivity connectivity) {
        this.registry = registry;
        this.connectivity = connectivity;
        this.vertx = vertx;
        this.retries = new RetryPolicy(config.sessions().attempts(), config.sessions().retryBackoff());
        this.sessions = sessions;
        this.audit = audit;
        this.config = config;
        this.metrics = metrics;
        all.forEach(h -> handlers.put(h.commandClass(), h));
        allProcedures.forEach(p -> procedures.put(p.commandClass(), p));
        Gauge.builder("hes.sessions.open", sessions, MeterSessions::sessionsOpen).register(metrics);
        Gauge.builder("hes.sessions.waiting", sessions, MeterSessions::sessionsWaiting).register(metrics);
        // Session time (per-meter serialisation + admission + the DLMS session), as a histogram so that p50/p99
        // over any interval come from two scrapes of /q/metrics (the pipeline benchmark reads it).
        sessionTime = Timer.builder("hes.meter.session").description("a job's meter session, queueing included")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(metrics);
    }

    public Future<MeterJobResult> execute(MeterJob job) {
        if (procedures.containsKey(job.command().getClass())) {
            return procedure(job);
        }
        CommandHandler<MeterCommand> handler = handler(job.command());
        return registry.lookup(job.meterId()).transform(ar -> ar.succeeded() ? execute(job, handler, ar.result())
                : Future.succeededFuture(failed(job, handler, null, new MeterFailure(HEAD_END_CLASS, NO_REGISTRY_CODE,
                        NO_REGISTRY_CODE + ": Meter registry unavailable (" + ar.cause().getMessage()
                                + "); the meter was not contacted", List.of()))));
    }

    /**
     * A {@link MeterProcedure}: the meter from the registry, then the procedure, which takes the meter itself. A
     * procedure that fails (its effect not durable) fails the job: it goes back to the broker.
     */
    @SuppressWarnings("unchecked")
    private Future<MeterJobResult> procedure(MeterJob job) {
        MeterProcedure<MeterCommand> procedure = (MeterProcedure<MeterCommand>) procedures.get(job.command().getClass());
        String operation = procedure.operation();
        return registry.lookup(job.meterId()).compose(meter -> {
            if (meter.isEmpty()) {
                MeterFailure unknown = new MeterFailure(UNKNOWN_METER_CLASS, UNKNOWN_METER_CODE, UNKNOWN_METER_CODE
                        + ": Unknown meter (" + job.meterId() + " is not in the registry)", List.of());
                return procedure.notRun(job.meterId(), job.command(), unknown)
                        .map(v -> failed(job, operation, null, unknown));
            }
            return procedure.run(meter.get(), job.command(), job.jobId()).map(done -> {
                Map<String, Object> details = new LinkedHashMap<>();
                if (job.requestedBy() != null) {
                    details.put("requestedBy", job.requestedBy());
                }
                details.putAll(done.audit());
                MeterFailure f = done.failure();
                if (f == null) {
                    audit.pass(operation, job.meterId(), job.jobId(), details);
                } else {
                    audit.fail(operation, job.meterId(), job.jobId(), f.failureClass(), f.code(), f.message(),
                            f.exchange(), details);
                }
                count(job, f == null ? "OK" : f.failureClass());
                return MeterJobResult.ok(job, null, done.outcome());
            });
        });
    }

    @SuppressWarnings("unchecked")
    private CommandHandler<MeterCommand> handler(MeterCommand command) {
        CommandHandler<?> h = handlers.get(command.getClass());
        if (h == null) {
            throw new IllegalStateException("no handler for command " + command.commandType());
        }
        return (CommandHandler<MeterCommand>) h;
    }

    private Future<MeterJobResult> execute(MeterJob job, CommandHandler<MeterCommand> handler, Optional<Meter> meter) {
        if (meter.isEmpty()) {
            return Future.succeededFuture(failed(job, handler, null, new MeterFailure(UNKNOWN_METER_CLASS,
                    UNKNOWN_METER_CODE, UNKNOWN_METER_CODE + ": Unknown meter (" + job.meterId()
                            + " is not in the registry)", List.of())));
        }
        Meter m = meter.get();
        Duration timeout = config.sessions().responseTimeout();
        int pdu = config.sessions().maxPduSize();
        if (m.securityProfile() == null) {
            return attempt(job, handler, m, () -> m.sessionSettings(timeout, pdu), "public: client "
                    + m.clientAddress() + " " + m.authentication(), session -> new JobContext(session, null, null), false);
        }
        return credentials(job, handler, m, false);
    }

    private Future<MeterJobResult> credentials(MeterJob job, CommandHandler<MeterCommand> handler, Meter m,
                                               boolean refreshed) {
        return sessions.credentials(m).transform(ar -> {
            if (ar.failed()) {
                Refused refused = ar.cause() instanceof Refused r ? r : new Refused(HEAD_END_CLASS, "HES-005",
                        "HES-005: Keys unavailable (" + ar.cause().getMessage() + ")", ar.cause());
                return Future.succeededFuture(failed(job, handler, null, new MeterFailure(refused.failureClass(),
                        refused.code(), refused.getMessage() + "; the meter was not contacted", List.of())));
            }
            MeterCredentials credentials = ar.result();
            List<Integer> candidates = credentials.candidates(job.command().keyVersion());
            if (candidates.isEmpty()) {
                if (!refreshed) { // held since before security-service made that version: ask again
                    sessions.forgetCredentials(m);
                    return credentials(job, handler, m, true);
                }
                return Future.succeededFuture(failed(job, handler, null, new MeterFailure(UNKNOWN_METER_CLASS,
                        NO_KEYS_CODE, NO_KEYS_CODE + ": Association cannot be set up (security-service has no key version "
                        + job.command().keyVersion() + " of " + m.meterId() + " that is ACTIVE or PENDING)", List.of())));
            }
            return withKeys(job, handler, m, credentials, candidates, 0, refreshed);
        });
    }

    /**
     * The meter's key versions in turn (ACTIVE, then PENDING during a rotation): a SECURITY failure with one tries the
     * next, so a meter that already switched keys (a rotation interrupted after the transfer) stays readable. With
     * one version only, credentials held in memory may be stale: they are asked for again once.
     */
    private Future<MeterJobResult> withKeys(MeterJob job, CommandHandler<MeterCommand> handler, Meter m,
                                            MeterCredentials credentials, List<Integer> candidates, int i,
                                            boolean refreshed) {
        int index = candidates.get(i);
        boolean more = i + 1 < candidates.size() || !refreshed && credentials.keys().size() == 1;
        Duration timeout = config.sessions().responseTimeout();
        int pdu = config.sessions().maxPduSize();
        int version = credentials.keys().get(index).version();
        return attempt(job, handler, m, () -> credentials.session(m, index, timeout, pdu), credentials.describe(index),
                session -> new JobContext(session, credentials, version), more)
                .onSuccess(result -> {
                    if (result.status() == MeterJobResult.Status.OK && credentials.keys().get(0).version() != version) {
                        sessions.keysAccepted(m, version);
                    }
                })
                .recover(error -> {
                    if (!(error instanceof TryOtherKeys)) {
                        return Future.failedFuture(error);
                    }
                    if (i + 1 < candidates.size()) {
                        return withKeys(job, handler, m, credentials, candidates, i + 1, refreshed);
                    }
                    return credentials(job, handler, m, true);
                });
    }

    /** What a meter answers to a key it does not have; then the meter's other key version may work. */
    private static final java.util.Set<org.amihes.dlms.failure.FailureCode> KEY_REFUSALS = java.util.EnumSet.of(
            org.amihes.dlms.failure.FailureCode.AUTHENTICATION_FAILED, org.amihes.dlms.failure.FailureCode.CLOSED_AFTER_AARQ,
            org.amihes.dlms.failure.FailureCode.DECIPHERING_FAILED,
            org.amihes.dlms.failure.FailureCode.CLOSED_AFTER_DEDICATED_KEY);

    /** A SECURITY failure with one key version while another may work: not a result yet. */
    private static final class TryOtherKeys extends RuntimeException {
        TryOtherKeys() {
            super(null, null, false, false);
        }
    }

    /** The first attempt; settings that cannot be built (e.g. a mechanism without its secret) fail the job here. */
    private Future<MeterJobResult> attempt(MeterJob job, CommandHandler<MeterCommand> handler, Meter meter,
                                           Supplier<SessionSettings> build, String association,
                                           java.util.function.Function<org.amihes.dlms.DlmsSession, JobContext> context,
                                           boolean otherKeys) {
        SessionSettings settings;
        try {
            settings = build.get();
        } catch (IllegalArgumentException e) {
            return Future.succeededFuture(failed(job, handler, association, new MeterFailure(UNKNOWN_METER_CLASS,
                    NO_KEYS_CODE, NO_KEYS_CODE + ": Association cannot be set up (" + e.getMessage() + ")", List.of())));
        }
        return attempt(job, handler, meter, settings, association, context, otherKeys, 1);
    }

    /** One session; a failure the {@link RetryPolicy} allows again is audited and tried again after its pause. */
    private Future<MeterJobResult> attempt(MeterJob job, CommandHandler<MeterCommand> handler, Meter meter,
                                           SessionSettings settings, String association,
                                           java.util.function.Function<org.amihes.dlms.DlmsSession, JobContext> context,
                                           boolean otherKeys, int attempt) {
        long sessionStart = System.nanoTime();
        return sessions.run(job.meterId(), job.priority(), settings, session -> handler.run(context.apply(session), job.command()))
                .onComplete(ar -> sessionTime.record(System.nanoTime() - sessionStart, TimeUnit.NANOSECONDS))
                .map(done -> succeeded(job, handler, association, done.value(), done.warnings()))
                .recover(error -> {
                    if (error instanceof Admission.Closed) {
                        return Future.failedFuture(error); // never started: the job goes back to the broker
                    }
                    if (error instanceof CountersUnavailable) {
                        return Future.succeededFuture(failed(job, handler, association, new MeterFailure(HEAD_END_CLASS,
                                NO_COUNTERS_CODE, NO_COUNTERS_CODE + ": Invocation counters unavailable ("
                                + error.getMessage() + ")", List.of())));
                    }
                    DlmsException e = Classifier.classify(error, List.of());
                    if (e.failureClass() == FailureClass.SECURITY) {
                        sessions.forgetCredentials(meter); // the next job asks security-service again
                        if (otherKeys && KEY_REFUSALS.contains(e.code())) {
                            audit.fail(handler.operation() + "_ATTEMPT", job.meterId(), job.jobId(), e.failureClass().name(),
                                    e.code().code(), e.getMessage() + " [association: " + association
                                            + "]; trying the meter's other key version", e.exchange());
                            count(job, "OTHER_KEYS");
                            return Future.failedFuture(new TryOtherKeys());
                        }
                    }
                    Retry advice = e.code().retry();
                    Optional<Duration> pause = retries.pauseBefore(attempt + 1, advice, ThreadLocalRandom.current().nextDouble());
                    String tries = attempt > 1 || retries.allowed(advice) > 1
                            ? " (attempt " + attempt + " of " + retries.allowed(advice) + ")" : "";
                    MeterFailure failure = new MeterFailure(e.failureClass().name(), e.code().code(),
                            e.getMessage() + tries + " [association: " + association + "]", e.exchange());
                    if (pause.isEmpty()) {
                        return Future.succeededFuture(failed(job, handler, association, failure));
                    }
                    audit.fail(handler.operation() + "_ATTEMPT", job.meterId(), job.jobId(), failure.failureClass(),
                            failure.code(), failure.message() + "; next attempt in " + pause.get().toMillis() + " ms",
                            failure.exchange());
                    count(job, "RETRIED");
                    Promise<MeterJobResult> next = Promise.promise();
                    vertx.setTimer(pause.get().toMillis(), t -> attempt(job, handler, meter, settings, association,
                            context, otherKeys, attempt + 1).onComplete(next));
                    return next.future();
                });
    }

    private MeterJobResult succeeded(MeterJob job, CommandHandler<MeterCommand> handler, String association,
                                     CommandHandler.Handled handled, List<String> sessionWarnings) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (job.requestedBy() != null) {
            details.put("requestedBy", job.requestedBy());
        }
        details.put("association", association);
        details.putAll(handled.audit());
        List<String> warnings = new java.util.ArrayList<>(handled.warnings());
        warnings.addAll(sessionWarnings);
        details.put("warnings", warnings);
        audit.pass(handler.operation(), job.meterId(), job.jobId(), details);
        connectivity.jobEnded(job.meterId(), null, null, null);
        count(job, "OK");
        return MeterJobResult.ok(job, association, handled.outcome());
    }

    private MeterJobResult failed(MeterJob job, CommandHandler<MeterCommand> handler, String association,
                                  MeterFailure failure) {
        connectivity.jobEnded(job.meterId(), failure.failureClass(), failure.code(), failure.message());
        return failed(job, handler.operation(), association, failure);
    }

    private MeterJobResult failed(MeterJob job, String operation, String association, MeterFailure failure) {
        audit.fail(operation, job.meterId(), job.jobId(), failure.failureClass(), failure.code(),
                failure.message(), failure.exchange(),
                job.requestedBy() == null ? Map.of() : Map.of("requestedBy", job.requestedBy()));
        count(job, failure.failureClass());
        return MeterJobResult.failed(job, association, failure);
    }

    private void count(MeterJob job, String outcome) {
        String command = job.command().commandType();
        outcomes.computeIfAbsent(command + "/" + outcome, k -> Counter.builder("hes.meter.jobs")
                .tag("command", command).tag("outcome", outcome).register(metrics)).increment();
    }
}
